/**
 * The tabular retention benchmark (paper 000 §4): paired stratified k-fold CV, every method's
 * subset trained with the same MLP, PRR against the full training fold. Entry point: {@link
 * ai.curator.eval.bench.tabular.TabularBench}; command line: {@link ai.curator.eval.bench.tabular.TabularBenchCommand}.
 */
package ai.curator.eval.bench.tabular;
