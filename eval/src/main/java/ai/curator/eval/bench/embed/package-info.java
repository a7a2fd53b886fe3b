/** Throughput benchmarks (main classes, not tests). */
package ai.curator.eval.bench.embed;
