/**
 * Selectors: stages that draw a weighted subset of rows at a budget (uniform, and the methods of
 * the selection-core issue), reading score columns written by scorers.
 */
package ai.curator.select;
