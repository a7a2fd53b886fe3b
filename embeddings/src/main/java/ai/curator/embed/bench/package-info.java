/** Throughput benchmarks (main classes, not tests). */
package ai.curator.embed.bench;
