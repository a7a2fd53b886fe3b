/**
 * The studies of paper 003 (§4.2, Figures 2 and 3) as commands: {@code curator study structure}
 * (does the embedding space look low-rank or clustered, and which extrapolates losses better) and
 * {@code curator study loss-approx} (how well weighted samples estimate the mean loss, clustering
 * vs low-rank sensitivity, over a grid of k and λ). They reuse the core's algorithms
 * ({@link ai.curator.linalg.RandomizedSvd}, {@link ai.curator.select.algo.KMeans}, {@link
 * ai.curator.model.KernelRidgeRegression}, {@link ai.curator.select.algo.LowRankSensitivity}, {@link
 * ai.curator.select.algo.ClusteringSensitivity}).
 */
package ai.curator.eval.study;
