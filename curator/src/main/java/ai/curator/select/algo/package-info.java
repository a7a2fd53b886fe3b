/**
 * Selection and scoring algorithms as pure functions of (data, options, {@link
 * java.util.SplittableRandom}): low-rank and clustering sensitivity scores, sensitivity and uniform
 * sampling, k-means, kernel ridge regression, k-center greedy, radius thinning, centroid-nearest
 * selection. No I/O, no pipeline types.
 */
package ai.curator.select.algo;
