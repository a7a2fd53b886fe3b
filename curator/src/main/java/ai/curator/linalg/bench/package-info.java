/** Wall-clock measurement entry points (not tests): {@link ai.curator.linalg.bench.LinalgBench}. */
package ai.curator.linalg.bench;
