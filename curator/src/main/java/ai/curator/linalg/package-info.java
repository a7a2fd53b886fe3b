/**
 * Dense numeric kernels: the row-major float matrix {@link ai.curator.linalg.FloatMatrix} (one
 * array, or row chunks beyond 2^31 values) with multi-threaded products, small double
 * factorisations ({@link ai.curator.linalg.Dense}, EJML inside), and the randomized truncated SVD.
 * The inner loops go through {@link ai.curator.linalg.Kernels}: the Vector API when the JVM has
 * {@code jdk.incubator.vector}, plain Java otherwise, with bit-identical results.
 */
package ai.curator.linalg;
