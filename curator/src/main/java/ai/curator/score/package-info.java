/**
 * Scorers: stages that write named score columns (one value per row) for selectors to read, and
 * the loss oracles they query.
 */
package ai.curator.score;
