/** Speed probes of the in-JVM language model (not tests): {@code scripts/bench-lm}. */
package ai.curator.eval.bench.lm;
