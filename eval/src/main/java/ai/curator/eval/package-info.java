/**
 * Everything that measures: evaluation tasks (GSM8K, ViGGO, SQL) and their metrics, generators
 * that produce predictions, and the benchmarks ({@code curator bench ...}). Library modules hold
 * what a recipe runs; experiments live here.
 */
package ai.curator.eval;
