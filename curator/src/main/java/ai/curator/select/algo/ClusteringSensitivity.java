package ai.curator.select.algo;

import ai.curator.api.LossOracle;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import java.util.SplittableRandom;

/**
 * Clustering-based sensitivity scores (Axiotis et al. 2024, the baseline of paper 003 §4): k-means
 * with k clusters, the oracle called once on the member point nearest each centre, and
 * {@code σ(x) = ℓ(rep(x)) + λ·‖x − c(x)‖² + smoothing}. Sample with {@link SensitivitySampling}.
 * Empty clusters (possible only with fewer distinct points than k) have no representative and no
 * members, so they need none.
 */
public final class ClusteringSensitivity {
    private ClusteringSensitivity() {}

    /**
     * Options.
     *
     * @param kmeans clustering options (k = number of oracle calls)
     * @param lambda λ ≥ 0, weight of the distance-to-centre term
     * @param smoothing additive constant ≥ 0
     */
    public record Options(KMeans.Options kmeans, double lambda, double smoothing) {
        public Options {
            if (kmeans == null) {
                throw new IllegalArgumentException("clustering_sensitivity.kmeans must not be null");
            }
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException(
                        "clustering_sensitivity.lambda must be finite and >= 0, got " + lambda);
            }
            if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
                throw new IllegalArgumentException(
                        "clustering_sensitivity.smoothing must be finite and >= 0, got " + smoothing);
            }
        }
    }

    /**
     * Scores and intermediates.
     *
     * @param sensitivity σ per row
     * @param representatives row nearest each centre (-1 for an empty cluster)
     * @param representativeLosses oracle loss of each representative (NaN for an empty cluster)
     * @param clustering the k-means result
     */
    public record Result(
            double[] sensitivity, int[] representatives, double[] representativeLosses, KMeans.Result clustering) {}

    /** Computes σ for every row of {@code x}. */
    public static Result score(FloatMatrix x, LossOracle oracle, Options options, SplittableRandom rnd) {
        if (oracle == null) {
            throw new IllegalArgumentException("clustering_sensitivity needs a loss oracle");
        }
        KMeans.Result km = KMeans.fit(x, options.kmeans(), rnd);
        int[] reps = KMeans.nearestMembers(x, km);
        int k = reps.length;
        int nonEmpty = 0;
        for (int r : reps) {
            if (r >= 0) {
                nonEmpty++;
            }
        }
        int[] ask = new int[nonEmpty];
        int t = 0;
        for (int r : reps) {
            if (r >= 0) {
                ask[t++] = r;
            }
        }
        double[] got = LowRankSensitivity.callOracle(oracle, ask, x.rows());
        double[] repLoss = new double[k];
        t = 0;
        for (int j = 0; j < k; j++) {
            repLoss[j] = reps[j] >= 0 ? got[t++] : Double.NaN;
        }
        double[] sigma = sigma(
                x.data(),
                km.assignment(),
                x.cols(),
                km.centroids().data(),
                repLoss,
                options.lambda(),
                options.smoothing());
        return new Result(sigma, reps, repLoss, km);
    }

    /**
     * σ of each row of a row-major {@code d}-column array: its cluster representative's loss + λ·its
     * squared distance to the cluster's centroid + smoothing ({@code assignment} indexed as the rows).
     */
    public static double[] sigma(
            float[] rows,
            int[] assignment,
            int d,
            float[] centroids,
            double[] repLoss,
            double lambda,
            double smoothing) {
        double[] sigma = new double[assignment.length];
        for (int i = 0; i < sigma.length; i++) {
            int c = assignment[i];
            double dist = Kernels.squaredDistance(rows, i * d, centroids, c * d, d);
            sigma[i] = repLoss[c] + lambda * dist + smoothing;
        }
        return sigma;
    }
}
