package ai.curator.select.algo;

import ai.curator.api.LossOracle;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sensitivity scores for low-rank sensitivity sampling: paper 003, Algorithm 1 lines 1–4, with the
 * landmark loss estimate of §4.2. Feed {@link Result#sensitivity()} to {@link
 * SensitivitySampling#sample} for lines 5–10.
 *
 * <ol>
 *   <li>Rank-k subspace V (d × k) of the <em>uncentred</em> data by {@link RandomizedSvd} (the
 *       paper uses scikit-learn's TruncatedSVD, which does not centre either).
 *   <li>α = Vᵀx; residual {@code ‖r(x)‖² = ‖x‖² − ‖α‖²} (V orthonormal), computed in double and
 *       clipped at 0.
 *   <li>Loss estimate L̂(x):
 *       <ul>
 *         <li>{@link LossMode#BASIS} (Algorithm 1 line 4 as printed): {@code L̂(x) = Σ_i α_i²
 *             ℓ(v_i)}. The basis losses ℓ(v_i) are given by the caller (for ℓ(x) = ‖x‖², §4.1,
 *             all 1); if none are given, ℓ(v_i) is taken as the oracle's loss on the data row most
 *             aligned with v_i (largest {@code α_i²/‖x‖²}) — a proxy, since v_i is not a data
 *             point.
 *         <li>{@link LossMode#LANDMARKS} (§4.2): m = round(landmarkFraction · N) landmarks drawn
 *             without replacement with probability ∝ leverage {@code ‖U_k[i,:]‖²} (plus a 1e-9
 *             floor so zero-leverage rows stay drawable); the oracle is called on them once;
 *             {@link KernelRidgeRegression} (RBF) maps embeddings to losses; L̂ is its prediction
 *             clipped at 0, and landmarks keep their true loss.
 *       </ul>
 *   <li>σ(x) = (γ+1)·L̂(x) + γ·k·ξ + λ·‖r(x)‖² + smoothing, with ξ = max_i ℓ(v_i) in basis mode
 *       and ξ = max landmark loss in landmark mode unless fixed by the options.
 * </ol>
 *
 * <p>Cost: the SVD ({@code (2q+2)·N·d·(k+p)}), one {@code N·d·k} projection, and in landmark mode
 * the KRR fit plus an {@code O(N·r·d)} prediction; memory {@code O(N·(k+p))} beyond the data.
 */
public final class LowRankSensitivity {
    private LowRankSensitivity() {}

    /** How L̂(x) is obtained. */
    public enum LossMode {
        /** Algorithm 1 as printed: {@code Σ α_i² ℓ(v_i)}. */
        BASIS,
        /** §4.2: leverage-sampled landmarks, oracle on them, RBF kernel ridge extrapolation. */
        LANDMARKS
    }

    /**
     * Options (paper defaults: §4.1 γ = 5, λ = 1, k = 5, smoothing 1e-6; §4.2 γ = 0, λ tuned,
     * landmarks 20 %).
     *
     * @param rank k, {@code >= 1} and {@code < min(N, d)}
     * @param mode loss mode
     * @param gamma γ ≥ 0
     * @param lambda λ ≥ 0, weight of the residual term
     * @param smoothing additive constant ≥ 0 (keeps every row drawable when &gt; 0)
     * @param landmarkFraction share of rows used as landmarks, in (0, 1]; landmark mode only
     * @param xi ξ ≥ 0, or NaN for the default (max basis / landmark loss)
     * @param svd oversampling and power iterations (its rank must equal {@code rank})
     * @param krr kernel ridge options (landmark mode)
     */
    public record Options(
            int rank,
            LossMode mode,
            double gamma,
            double lambda,
            double smoothing,
            double landmarkFraction,
            double xi,
            RandomizedSvd.Options svd,
            KernelRidgeRegression.Options krr) {
        public Options {
            if (rank < 1) {
                throw new IllegalArgumentException("low_rank_sensitivity.rank must be >= 1, got " + rank);
            }
            if (mode == null) {
                throw new IllegalArgumentException("low_rank_sensitivity.mode must be basis or landmarks, got null");
            }
            requireNonNegative("gamma", gamma);
            requireNonNegative("lambda", lambda);
            requireNonNegative("smoothing", smoothing);
            if (!(landmarkFraction > 0 && landmarkFraction <= 1)) {
                throw new IllegalArgumentException(
                        "low_rank_sensitivity.landmark_fraction must be in (0, 1], got " + landmarkFraction);
            }
            if (!Double.isNaN(xi)) {
                requireNonNegative("xi", xi);
            }
            if (svd == null || svd.rank() != rank) {
                throw new IllegalArgumentException("low_rank_sensitivity.svd.rank must equal rank = " + rank + ", got "
                        + (svd == null ? "null" : svd.rank()));
            }
            if (krr == null) {
                throw new IllegalArgumentException("low_rank_sensitivity.krr must not be null");
            }
        }

        private static void requireNonNegative(String name, double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(
                        "low_rank_sensitivity." + name + " must be finite and >= 0, got " + v);
            }
        }

        /** §4.1 settings: basis mode, γ = 5, λ = 1, smoothing 1e-6, default SVD (p = 10, q = 2). */
        public static Options basis(int rank) {
            return new Options(
                    rank,
                    LossMode.BASIS,
                    5,
                    1,
                    1e-6,
                    0.2,
                    Double.NaN,
                    RandomizedSvd.Options.ofRank(Math.max(1, rank)),
                    KernelRidgeRegression.Options.defaults());
        }

        /** §4.2 settings: landmark mode, γ = 0, the given λ, 20 % landmarks, smoothing 1e-6. */
        public static Options landmarks(int rank, double lambda) {
            return new Options(
                    rank,
                    LossMode.LANDMARKS,
                    0,
                    lambda,
                    1e-6,
                    0.2,
                    Double.NaN,
                    RandomizedSvd.Options.ofRank(Math.max(1, rank)),
                    KernelRidgeRegression.Options.defaults());
        }
    }

    /**
     * Scores and intermediates.
     *
     * @param sensitivity σ per row (finite, ≥ 0)
     * @param lossEstimate L̂ per row (true loss on landmarks / oracle rows)
     * @param residualSq ‖r(x)‖² per row
     * @param leverage ‖U_k[i,:]‖² per row (sums to k)
     * @param oracleRows rows the oracle was called on (landmarks, or basis proxies), ascending
     * @param oracleLosses their losses
     * @param basisLosses ℓ(v_i) (basis mode; empty in landmark mode)
     * @param xi ξ used
     * @param svd the rank-k factorisation
     * @param model the KRR model (landmark mode; null in basis mode)
     */
    public record Result(
            double[] sensitivity,
            double[] lossEstimate,
            double[] residualSq,
            double[] leverage,
            int[] oracleRows,
            double[] oracleLosses,
            double[] basisLosses,
            double xi,
            RandomizedSvd.Result svd,
            KernelRidgeRegression.Model model) {}

    /**
     * Computes σ for every row.
     *
     * @param x embeddings {@code N × d}, finite
     * @param oracle loss oracle; required in landmark mode, and in basis mode when {@code
     *     basisLosses} is null
     * @param basisLosses ℓ(v_i), length k, finite and ≥ 0 (basis mode; null → oracle proxy)
     * @param options options
     * @param rnd every random draw (SVD test matrix, landmarks, KRR split/centres)
     */
    public static Result score(
            FloatMatrix x, LossOracle oracle, double[] basisLosses, Options options, SplittableRandom rnd) {
        int n = x.rows();
        int k = options.rank();
        if (k >= x.cols() || k >= n) {
            throw new IllegalArgumentException(
                    "low_rank_sensitivity.rank must be < min(N, d) = " + Math.min(n, x.cols()) + ", got " + k);
        }
        x.requireFinite("low_rank_sensitivity embeddings");
        RandomizedSvd.Result svd = RandomizedSvd.compute(x, options.svd(), rnd);
        FloatMatrix alpha = x.multiply(svd.v()); // N × k
        double[] xSq = x.rowSquaredNorms();
        double[] resid = residualSq(alpha, xSq);
        double[] leverage = svd.leverageScores();
        double[] lhat = new double[n];
        int[] oracleRows;
        double[] oracleLosses;
        double[] bl;
        KernelRidgeRegression.Model model = null;
        double xi;
        if (options.mode() == LossMode.BASIS) {
            if (basisLosses != null) {
                if (basisLosses.length != k) {
                    throw new IllegalArgumentException("low_rank_sensitivity.basis_losses must have rank = " + k
                            + " values, got " + basisLosses.length);
                }
                bl = basisLosses.clone();
                checkLosses(bl, "basis_losses");
                oracleRows = new int[0];
                oracleLosses = new double[0];
            } else {
                requireOracle(oracle, "basis mode without basis_losses");
                int[] proxy = mostAlignedRows(alpha, xSq);
                oracleRows = Arrays.stream(proxy).distinct().sorted().toArray();
                oracleLosses = callOracle(oracle, oracleRows, n);
                bl = new double[k];
                for (int c = 0; c < k; c++) {
                    bl[c] = oracleLosses[Arrays.binarySearch(oracleRows, proxy[c])];
                }
            }
            lhat = basisLoss(alpha, bl);
            xi = Arrays.stream(bl).max().orElse(0);
        } else {
            requireOracle(oracle, "landmarks mode");
            int m = Math.max(2, Math.min(n, (int) Math.round(options.landmarkFraction() * n)));
            double[] w = leverage.clone();
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(0.0, w[i]) + 1e-9;
            }
            oracleRows = KeyedSampling.weightedWithoutReplacement(w, m, rnd.nextLong());
            oracleLosses = callOracle(oracle, oracleRows, n);
            model = KernelRidgeRegression.fit(x.selectRows(oracleRows), oracleLosses, options.krr(), rnd);
            double[] pred = model.predict(x);
            for (int i = 0; i < n; i++) {
                lhat[i] = Math.max(0.0, pred[i]);
            }
            for (int j = 0; j < oracleRows.length; j++) {
                lhat[oracleRows[j]] = oracleLosses[j];
            }
            bl = new double[0];
            xi = Arrays.stream(oracleLosses).max().orElse(0);
        }
        if (!Double.isNaN(options.xi())) {
            xi = options.xi();
        }
        double[] sigma = sigma(lhat, resid, options.gamma(), options.lambda(), options.smoothing(), k, xi);
        return new Result(sigma, lhat, resid, leverage, oracleRows, oracleLosses, bl, xi, svd, model);
    }

    /**
     * {@code ‖r(x)‖² = ‖x‖² − ‖α‖²}, clipped at 0, row by row ({@code alpha = x·V}, {@code xSq = ‖x‖²}):
     * the same bits for any chunk of rows.
     */
    public static double[] residualSq(FloatMatrix alpha, double[] xSq) {
        double[] alphaSq = alpha.rowSquaredNorms();
        double[] resid = new double[xSq.length];
        for (int i = 0; i < resid.length; i++) {
            resid[i] = Math.max(0.0, xSq[i] - alphaSq[i]);
        }
        return resid;
    }

    /** Basis mode's {@code L̂(x) = Σ_c α_c² ℓ(v_c)}, row by row. */
    public static double[] basisLoss(FloatMatrix alpha, double[] basisLosses) {
        int k = alpha.cols();
        float[] a = alpha.data();
        double[] lhat = new double[alpha.rows()];
        for (int i = 0; i < lhat.length; i++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                double v = a[i * k + c];
                s += v * v * basisLosses[c];
            }
            lhat[i] = s;
        }
        return lhat;
    }

    /** {@code σ = (γ+1)·L̂ + γ·k·ξ + smoothing + λ·‖r‖²}, row by row. */
    public static double[] sigma(
            double[] lhat, double[] resid, double gamma, double lambda, double smoothing, int k, double xi) {
        double constant = gamma * k * xi + smoothing;
        double[] sigma = new double[lhat.length];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = (gamma + 1) * lhat[i] + constant + lambda * resid[i];
        }
        return sigma;
    }

    private static void requireOracle(LossOracle oracle, String why) {
        if (oracle == null) {
            throw new IllegalArgumentException("low_rank_sensitivity needs a loss oracle in " + why);
        }
    }

    /** For each column c of α, the row maximising {@code α_c² / ‖x‖²} (lowest id on ties). */
    private static int[] mostAlignedRows(FloatMatrix alpha, double[] xSq) {
        int k = alpha.cols();
        int[] best = new int[k];
        double[] bestVal = new double[k];
        Arrays.fill(bestVal, -1);
        for (int i = 0; i < alpha.rows(); i++) {
            if (xSq[i] <= 0) {
                continue;
            }
            for (int c = 0; c < k; c++) {
                double v = alpha.get(i, c);
                double cos2 = v * v / xSq[i];
                if (cos2 > bestVal[c]) {
                    bestVal[c] = cos2;
                    best[c] = i;
                }
            }
        }
        return best;
    }

    /** Calls the oracle and validates its answer (length, finite, ≥ 0). */
    static double[] callOracle(LossOracle oracle, int[] rows, int n) {
        double[] losses = oracle.losses(rows.clone());
        if (losses == null || losses.length != rows.length) {
            throw new IllegalArgumentException("loss oracle returned "
                    + (losses == null ? "null" : losses.length + " losses") + " for " + rows.length + " rows");
        }
        for (int j = 0; j < losses.length; j++) {
            if (!Double.isFinite(losses[j]) || losses[j] < 0) {
                throw new IllegalArgumentException(
                        "loss oracle must return finite losses >= 0, got " + losses[j] + " for row " + rows[j]);
            }
        }
        return losses.clone();
    }

    private static void checkLosses(double[] l, String what) {
        for (int i = 0; i < l.length; i++) {
            if (!Double.isFinite(l[i]) || l[i] < 0) {
                throw new IllegalArgumentException(
                        "low_rank_sensitivity." + what + " must be finite and >= 0, got " + l[i] + " at " + i);
            }
        }
    }
}
