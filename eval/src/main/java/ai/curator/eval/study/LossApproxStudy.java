package ai.curator.eval.study;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KMeans;
import ai.curator.select.algo.LowRankSensitivity;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.WeightedSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paper 003 Figure 3: how well s weighted samples estimate the mean loss. Over a grid of k (oracle
 * calls: clusters, or landmarks) and λ, for each of T trials: clustering sensitivity (k-means++,
 * best of {@code restarts}; σ = ℓ(rep) + λ‖x − c‖²) and low-rank sensitivity in landmark mode (k
 * landmarks ∝ leverage from a rank-{@code rank} SVD, RBF kernel ridge, γ = 0; σ = L̂ + λ‖r‖²), each
 * with smoothing 1e-6, s draws with replacement, weights 1/(s·p); Δ(S) = |mean loss − weighted mean
 * over S|. The clustering, SVD and regression of a (trial, k) are shared by every λ (σ is linear in
 * λ), so a trial's randomness differs between k values but not between λ values.
 */
public final class LossApproxStudy {
    private LossApproxStudy() {}

    /**
     * @param ks oracle calls (clusters / landmarks), each in [2, N]
     * @param lambdas λ values, each &ge; 0
     * @param samples s, draws per subset (paper: 2,000)
     * @param trials T (paper: 100)
     * @param rank rank of the SVD whose leverage scores pick the landmarks, and of the residual r
     * @param restarts k-means++ restarts (paper: 10)
     * @param maxIterations Lloyd iterations per restart
     */
    public record Options(
            List<Integer> ks,
            List<Double> lambdas,
            int samples,
            int trials,
            int rank,
            int restarts,
            int maxIterations) {
        public Options {
            ks = List.copyOf(ks);
            lambdas = List.copyOf(lambdas);
            if (ks.isEmpty() || lambdas.isEmpty()) {
                throw new IllegalArgumentException("study loss-approx needs at least one k and one lambda");
            }
            for (double l : lambdas) {
                if (!(l >= 0) || Double.isInfinite(l)) {
                    throw new IllegalArgumentException("--lambdas values must be finite and >= 0, got " + l);
                }
            }
            if (samples < 1 || trials < 1 || rank < 1 || restarts < 1 || maxIterations < 1) {
                throw new IllegalArgumentException(
                        "--samples, --trials, --rank, --restarts and --max-iterations must be >= 1");
            }
        }
    }

    /** One grid cell: mean and standard deviation of Δ over the trials. */
    public record Cell(String method, int k, double lambda, double meanDelta, double stdDelta, int trials) {}

    public static final String CLUSTERING = "clustering_sensitivity";
    public static final String LOW_RANK = "low_rank_sensitivity";

    /** Runs the study. */
    public static List<Cell> run(FloatMatrix x, double[] losses, Options o, long seed) {
        return run(x, losses, o, seed, ai.curator.api.Progress.none());
    }

    /** Runs the study, stepping {@code progress} once per (trial, k): trials × |k| steps. */
    public static List<Cell> run(
            FloatMatrix x, double[] losses, Options o, long seed, ai.curator.api.Progress progress) {
        int n = x.rows();
        double mean = 0;
        for (double l : losses) {
            mean += l;
        }
        mean /= n;
        for (int k : o.ks()) {
            if (k < 2 || k > n) {
                throw new IllegalArgumentException("study loss-approx: k must be in [2, N = " + n + "], got " + k);
            }
        }
        if (o.rank() >= Math.min(n, x.cols())) {
            throw new IllegalArgumentException("--rank must be < min(N, d) = " + Math.min(n, x.cols()));
        }
        double[] xSq = x.rowSquaredNorms();
        int nk = o.ks().size();
        int nl = o.lambdas().size();
        double[][][] delta = new double[2][nk * nl][o.trials()];
        for (int t = 0; t < o.trials(); t++) {
            for (int a = 0; a < nk; a++) {
                int k = o.ks().get(a);
                SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + 7919L * t + k);
                // clustering sensitivity: one clustering, every λ
                KMeans.Result km =
                        KMeans.fit(x, new KMeans.Options(k, o.maxIterations(), 1e-4, o.restarts()), rnd.split());
                double[] d2 = new double[n];
                KMeans.assign(x, xSq, km.centroids(), d2);
                int[] reps = KMeans.nearestMembers(x, km);
                double[] repLoss = new double[n];
                for (int i = 0; i < n; i++) {
                    repLoss[i] = losses[reps[km.assignment()[i]]];
                }
                // low-rank sensitivity, landmark mode, λ = 0: L̂ and ‖r‖² for every λ
                LowRankSensitivity.Options lo = new LowRankSensitivity.Options(
                        o.rank(),
                        LowRankSensitivity.LossMode.LANDMARKS,
                        0,
                        0,
                        0,
                        Math.min(1.0, (double) k / n),
                        Double.NaN,
                        RandomizedSvd.Options.ofRank(o.rank()),
                        KernelRidgeRegression.Options.defaults());
                LowRankSensitivity.Result lr =
                        LowRankSensitivity.score(x, rows -> pick(losses, rows), null, lo, rnd.split());
                SplittableRandom draw = rnd.split();
                for (int b = 0; b < nl; b++) {
                    double lambda = o.lambdas().get(b);
                    double[] sc = new double[n];
                    double[] sl = new double[n];
                    for (int i = 0; i < n; i++) {
                        sc[i] = repLoss[i] + lambda * d2[i] + 1e-6;
                        sl[i] = lr.lossEstimate()[i] + lambda * lr.residualSq()[i] + 1e-6;
                    }
                    WeightedSample c = SensitivitySampling.sample(sc, o.samples(), draw.split());
                    WeightedSample l = SensitivitySampling.sample(sl, o.samples(), draw.split());
                    delta[0][a * nl + b][t] = Math.abs(mean - c.estimateSum(losses) / n);
                    delta[1][a * nl + b][t] = Math.abs(mean - l.estimateSum(losses) / n);
                }
                progress.step(1);
            }
        }
        List<Cell> cells = new ArrayList<>();
        String[] names = {CLUSTERING, LOW_RANK};
        for (int m = 0; m < 2; m++) {
            for (int a = 0; a < nk; a++) {
                for (int b = 0; b < nl; b++) {
                    double[] v = delta[m][a * nl + b];
                    double mu = 0;
                    for (double d : v) {
                        mu += d;
                    }
                    mu /= v.length;
                    double var = 0;
                    for (double d : v) {
                        var += (d - mu) * (d - mu);
                    }
                    double sd = v.length > 1 ? Math.sqrt(var / (v.length - 1)) : Double.NaN;
                    cells.add(new Cell(names[m], o.ks().get(a), o.lambdas().get(b), mu, sd, v.length));
                }
            }
        }
        return cells;
    }

    private static double[] pick(double[] losses, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = losses[rows[i]];
        }
        return out;
    }
}
