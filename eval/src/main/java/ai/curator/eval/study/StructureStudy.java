package ai.curator.eval.study;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KMeans;
import ai.curator.select.algo.KeyedSampling;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paper 003 Figure 2: is the embedding space better described by k cluster centres or by a rank-k
 * basis of k leverage-sampled rows, and which extrapolates per-row losses better?
 *
 * <p>For each k: (clusters) k-means++ with restarts, best inertia kept; the mean Euclidean distance
 * of a row to its nearest centre; each row's loss approximated by the loss of the row nearest its
 * centre. (low rank) k rows drawn without replacement ∝ their leverage scores from a rank-min(k,
 * d−1) randomized SVD (as {@code low_rank_sensitivity} picks landmarks); the mean distance of a row
 * to the span of those rows; each row's loss approximated by RBF kernel ridge regression fitted on
 * those rows (bandwidth by the median heuristic, λ chosen on held-out landmarks, as the scorer
 * does). In both, the rows the oracle was asked keep their true loss. Reported: means over all rows.
 */
public final class StructureStudy {
    private StructureStudy() {}

    /**
     * @param ks the k values (each in [1, N])
     * @param restarts k-means++ restarts (paper: 10)
     * @param maxIterations Lloyd iterations per restart
     */
    public record Options(List<Integer> ks, int restarts, int maxIterations) {
        public Options {
            ks = List.copyOf(ks);
            if (ks.isEmpty()) {
                throw new IllegalArgumentException("study structure needs at least one k");
            }
            if (restarts < 1 || maxIterations < 1) {
                throw new IllegalArgumentException("--restarts and --max-iterations must be >= 1");
            }
        }
    }

    /** One k's figures. */
    public record Row(
            int k,
            double clusterDistance,
            double lowRankError,
            double clusterLossError,
            double lowRankLossError,
            double clusterSeconds,
            double lowRankSeconds) {}

    /** Runs the study; one random stream per k derived from {@code seed}. */
    public static List<Row> run(FloatMatrix x, double[] losses, Options o, long seed) {
        int n = x.rows();
        for (int k : o.ks()) {
            if (k < 1 || k > n) {
                throw new IllegalArgumentException("study structure: k must be in [1, N = " + n + "], got " + k);
            }
        }
        double[] xSq = x.rowSquaredNorms();
        List<Row> rows = new ArrayList<>();
        for (int k : o.ks()) {
            SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (k + 1)));
            long t0 = System.nanoTime();
            KMeans.Result km = KMeans.fit(x, new KMeans.Options(k, o.maxIterations(), 1e-4, o.restarts()), rnd.split());
            double[] d2 = new double[n];
            KMeans.assign(x, xSq, km.centroids(), d2);
            int[] reps = KMeans.nearestMembers(x, km);
            double dist = 0;
            double cErr = 0;
            for (int i = 0; i < n; i++) {
                dist += Math.sqrt(Math.max(0, d2[i]));
                int rep = reps[km.assignment()[i]];
                cErr += Math.abs(losses[i] - losses[rep]);
            }
            double cSec = (System.nanoTime() - t0) / 1e9;

            t0 = System.nanoTime();
            int rank = Math.min(k, Math.min(n, x.cols()) - 1);
            RandomizedSvd.Result svd =
                    RandomizedSvd.compute(x, RandomizedSvd.Options.ofRank(Math.max(1, rank)), rnd.split());
            double[] w = svd.leverageScores();
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(0.0, w[i]) + 1e-9;
            }
            int[] basis =
                    KeyedSampling.weightedWithoutReplacement(w, k, rnd.split().nextLong());
            double[] resid = spanResiduals(x, basis);
            double err = 0;
            for (double r : resid) {
                err += Math.sqrt(r);
            }
            double[] bl = new double[basis.length];
            for (int j = 0; j < basis.length; j++) {
                bl[j] = losses[basis[j]];
            }
            double[] pred = basis.length >= 5
                    ? KernelRidgeRegression.fit(
                                    x.selectRows(basis), bl, KernelRidgeRegression.Options.defaults(), rnd.split())
                            .predict(x)
                    : constant(n, mean(bl));
            for (int j = 0; j < basis.length; j++) {
                pred[basis[j]] = bl[j];
            }
            double lErr = 0;
            for (int i = 0; i < n; i++) {
                lErr += Math.abs(losses[i] - Math.max(0.0, pred[i]));
            }
            double lSec = (System.nanoTime() - t0) / 1e9;
            rows.add(new Row(k, dist / n, err / n, cErr / n, lErr / n, cSec, lSec));
        }
        return rows;
    }

    /**
     * ‖x − P x‖² for each row, P the projection onto the span of the {@code basis} rows
     * (modified Gram–Schmidt in double, twice for stability; dependent rows dropped).
     */
    static double[] spanResiduals(FloatMatrix x, int[] basis) {
        int d = x.cols();
        List<double[]> q = new ArrayList<>();
        for (int b : basis) {
            double[] v = x.rowAsDouble(b);
            double norm0 = Math.sqrt(dot(v, v));
            for (int pass = 0; pass < 2; pass++) {
                for (double[] u : q) {
                    double c = dot(u, v);
                    for (int j = 0; j < d; j++) {
                        v[j] -= c * u[j];
                    }
                }
            }
            double nv = Math.sqrt(dot(v, v));
            if (nv > 1e-8 * Math.max(norm0, 1e-30)) {
                for (int j = 0; j < d; j++) {
                    v[j] /= nv;
                }
                q.add(v);
            }
            if (q.size() == d) {
                break;
            }
        }
        double[] out = new double[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            double[] r = x.rowAsDouble(i);
            double total = dot(r, r);
            double proj = 0;
            for (double[] u : q) {
                double c = dot(u, r);
                proj += c * c;
            }
            out[i] = Math.max(0.0, total - proj);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    private static double[] constant(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
