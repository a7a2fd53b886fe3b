/**
 * The tabular retention benchmark (paper 000 §4): paired stratified k-fold CV, every method's
 * subset trained with the same MLP, PRR against the full training fold. Entry point: {@link
 * ai.curator.learn.bench.TabularBench}; command line: {@link ai.curator.learn.cli.TabularBenchCommand}.
 */
package ai.curator.learn.bench;
