/**
 * Dense numeric kernels: the row-major float matrix {@link ai.curator.linalg.FloatMatrix} with
 * multi-threaded products, small double factorisations ({@link ai.curator.linalg.Dense}, EJML
 * inside), and the randomized truncated SVD.
 */
package ai.curator.linalg;
