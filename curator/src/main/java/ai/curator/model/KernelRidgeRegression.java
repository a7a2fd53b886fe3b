package ai.curator.model;

import ai.curator.linalg.Dense;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import ai.curator.linalg.Rand;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Kernel ridge regression with the RBF kernel {@code k(x, z) = exp(-‖x − z‖² / (2h²))}, the loss
 * extrapolator of low-rank sensitivity sampling in the landmark setting (paper 003, §4.2: "kernel
 * ridge regression with an RBF kernel" from landmark embeddings to landmark losses).
 *
 * <ul>
 *   <li><b>Bandwidth</b> h: the median heuristic, the median Euclidean distance over a random
 *       sample of distinct pairs; if that median is 0 (many duplicates) the mean nonzero sampled
 *       distance is used, and if every sampled distance is 0, h = 1.
 *   <li><b>Target centring</b>: the model fits {@code y − ȳ} and adds {@code ȳ} back, so far from
 *       every landmark the prediction falls back to the mean landmark loss (not to 0).
 *   <li><b>Exact form</b> (m ≤ {@code exactMaxLandmarks}): {@code α = (K + λI)⁻¹ (y − ȳ)} by
 *       Cholesky; predict {@code ȳ + k(x)ᵀα}. O(m³) time, m×m doubles.
 *   <li><b>Nyström form</b> (larger m): r centres drawn uniformly without replacement from the
 *       landmarks, {@code C = K(landmarks, centres)} (m × r). The subset-of-regressors estimator
 *       (exact KRR restricted to {@code f = Σ_j β_j k(·, c_j)}; equal to it when r = m) is solved
 *       in whitened coordinates: {@code K_rr = UΛUᵀ}, {@code T = U_t Λ_t^{-1/2}} keeping
 *       eigenvalues {@code > 1e-8·λmax} (float kernel values make smaller ones noise), features
 *       {@code Φ = C·T} (formed explicitly), {@code w = (ΦᵀΦ + λI)⁻¹ Φᵀ(y − ȳ)}, {@code β = T·w}. O(m·r·(d + r) +
 *       r³) time, m×r floats + a few r×r doubles; nothing m×m.
 *   <li><b>λ</b>: each value of the grid is fitted on a random {@code 1 − validationFraction} of
 *       the landmarks and scored by mean squared error on the rest; the best (ties → the larger
 *       λ) is refitted on all landmarks.
 * </ul>
 *
 * <p>{@link Model#predict} costs O(N·r·d) (r = m in the exact form), in row blocks of 2048.
 */
public final class KernelRidgeRegression {
    private KernelRidgeRegression() {}

    /**
     * Options.
     *
     * @param lambdaGrid ridge values to try, each finite and {@code > 0}; default {@code 1e-4 … 10}
     * @param validationFraction share of landmarks held out to pick λ, in (0, 0.5]; default 0.2
     * @param exactMaxLandmarks largest m solved exactly, {@code >= 1}; default 2000
     * @param nystromRank r, number of Nyström centres for larger m, {@code >= 1}; default 1000
     * @param bandwidthPairs random pairs for the median heuristic, {@code >= 1}; default 2000
     * @param bandwidth fixed h when {@code > 0}; {@code 0} means the median heuristic (default)
     */
    public record Options(
            double[] lambdaGrid,
            double validationFraction,
            int exactMaxLandmarks,
            int nystromRank,
            int bandwidthPairs,
            double bandwidth) {
        public Options {
            if (lambdaGrid == null || lambdaGrid.length == 0) {
                throw new IllegalArgumentException("kernel_ridge.lambda_grid must be non-empty");
            }
            lambdaGrid = lambdaGrid.clone();
            for (double l : lambdaGrid) {
                if (!(l > 0) || Double.isInfinite(l)) {
                    throw new IllegalArgumentException(
                            "kernel_ridge.lambda_grid values must be finite and > 0, got " + l);
                }
            }
            if (!(validationFraction > 0 && validationFraction <= 0.5)) {
                throw new IllegalArgumentException(
                        "kernel_ridge.validation_fraction must be in (0, 0.5], got " + validationFraction);
            }
            if (exactMaxLandmarks < 1) {
                throw new IllegalArgumentException(
                        "kernel_ridge.exact_max_landmarks must be >= 1, got " + exactMaxLandmarks);
            }
            if (nystromRank < 1) {
                throw new IllegalArgumentException("kernel_ridge.nystrom_rank must be >= 1, got " + nystromRank);
            }
            if (bandwidthPairs < 1) {
                throw new IllegalArgumentException("kernel_ridge.bandwidth_pairs must be >= 1, got " + bandwidthPairs);
            }
            if (!(bandwidth >= 0) || Double.isInfinite(bandwidth)) {
                throw new IllegalArgumentException(
                        "kernel_ridge.bandwidth must be finite and >= 0 (0 = median heuristic), got " + bandwidth);
            }
        }

        @Override
        public double[] lambdaGrid() {
            return lambdaGrid.clone();
        }

        /** The defaults listed on the record. */
        public static Options defaults() {
            return new Options(new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1, 10}, 0.2, 2000, 1000, 2000, 0);
        }
    }

    /** A fitted model: {@code f(x) = mean + Σ_j coef_j k(x, centre_j)}. */
    public static final class Model implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final FloatMatrix centresT; // d × r
        private final float[] centreSq;
        private final double[] coef;
        private final double mean;
        private final double bandwidth;
        private final double lambda;
        private final boolean exact;
        private final double validationMse;

        Model(
                FloatMatrix centres,
                double[] coef,
                double mean,
                double bandwidth,
                double lambda,
                boolean exact,
                double validationMse) {
            this.centresT = centres.transpose();
            this.centreSq = toFloats(centres.rowSquaredNorms());
            this.coef = coef;
            this.mean = mean;
            this.bandwidth = bandwidth;
            this.lambda = lambda;
            this.exact = exact;
            this.validationMse = validationMse;
        }

        /** Predictions for each row of {@code x} ({@code N × d}); O(N·r·d). */
        public double[] predict(FloatMatrix x) {
            if (x.cols() != centresT.rows()) {
                throw new IllegalArgumentException(
                        "kernel_ridge.predict: input has " + x.cols() + " columns, model expects " + centresT.rows());
            }
            int n = x.rows();
            int r = coef.length;
            double[] xSq = x.rowSquaredNorms();
            double[] out = new double[n];
            float scale = (float) (1.0 / (2 * bandwidth * bandwidth));
            float[] ct = centresT.data();
            x.forRowBlocks(64, (a, l0, s0, e0) -> {
                // at most 2048 × r kernel values at a time
                float[] k = new float[Math.min(2048, e0 - s0) * r];
                for (int s = s0; s < e0; s += 2048) {
                    int e = Math.min(e0, s + 2048);
                    Kernels.gemmRows(a, x.cols(), l0 + s - s0, l0 + e - s0, ct, r, k, 0);
                    for (int i = s; i < e; i++) {
                        int o = (i - s) * r;
                        Kernels.rbfRow(k, o, r, (float) xSq[i], centreSq, scale);
                        double f = mean;
                        for (int j = 0; j < r; j++) {
                            f += coef[j] * k[o + j];
                        }
                        out[i] = f;
                    }
                }
            });
            return out;
        }

        public double bandwidth() {
            return bandwidth;
        }

        public double lambda() {
            return lambda;
        }

        /** Whether the exact (m×m) form was used, else Nyström. */
        public boolean exact() {
            return exact;
        }

        /** Number of kernel centres r (= m when exact). */
        public int centres() {
            return coef.length;
        }

        /** Held-out mean squared error of the chosen λ. */
        public double validationMse() {
            return validationMse;
        }

        public double mean() {
            return mean;
        }
    }

    /**
     * Fits the model.
     *
     * @param x landmark embeddings, {@code m × d}, finite, m ≥ 2
     * @param y landmark targets (losses), length m, finite
     * @param rnd source of the bandwidth pairs, the validation split and the Nyström centres
     */
    public static Model fit(FloatMatrix x, double[] y, Options options, SplittableRandom rnd) {
        int m = x.rows();
        if (y.length != m) {
            throw new IllegalArgumentException("kernel_ridge: " + m + " landmark rows but " + y.length + " targets");
        }
        if (m < 2) {
            throw new IllegalArgumentException("kernel_ridge needs >= 2 landmarks, got " + m);
        }
        x.requireFinite("kernel_ridge landmarks");
        for (int i = 0; i < m; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("kernel_ridge targets must be finite: y[" + i + "] = " + y[i]);
            }
        }
        double h = options.bandwidth() > 0 ? options.bandwidth() : medianHeuristic(x, options.bandwidthPairs(), rnd);
        int[] perm = Rand.permutation(m, rnd);
        int nVal = Math.max(1, (int) Math.round(options.validationFraction() * m));
        int[] val = Arrays.copyOfRange(perm, 0, nVal);
        int[] tr = Arrays.copyOfRange(perm, nVal, m);
        Arrays.sort(val);
        Arrays.sort(tr);
        if (m <= options.exactMaxLandmarks()) {
            return fitExact(x, y, tr, val, h, options.lambdaGrid());
        }
        int r = Math.min(options.nystromRank(), m);
        int[] centreIds = Arrays.copyOf(Rand.permutation(m, rnd), r);
        Arrays.sort(centreIds);
        return fitNystrom(x, y, tr, val, centreIds, h, options.lambdaGrid());
    }

    /**
     * Median pairwise Euclidean distance over {@code pairs} random pairs of distinct rows (fallbacks
     * in the class comment).
     */
    public static double medianHeuristic(FloatMatrix x, int pairs, SplittableRandom rnd) {
        int n = x.rows();
        if (n < 2) {
            return 1.0;
        }
        double[] dist = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            int i = rnd.nextInt(n);
            int j = rnd.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            dist[p] = Math.sqrt(Kernels.squaredDistance(x.data(), x.rowOffset(i), x.data(), x.rowOffset(j), x.cols()));
        }
        Arrays.sort(dist);
        double med = pairs % 2 == 1 ? dist[pairs / 2] : 0.5 * (dist[pairs / 2 - 1] + dist[pairs / 2]);
        if (med > 0) {
            return med;
        }
        double sum = 0;
        int cnt = 0;
        for (double d : dist) {
            if (d > 0) {
                sum += d;
                cnt++;
            }
        }
        return cnt > 0 ? sum / cnt : 1.0;
    }

    /** K(a, c) as an {@code a.rows × c.rows} float matrix. */
    static FloatMatrix kernel(FloatMatrix a, FloatMatrix c, double h) {
        FloatMatrix dots = a.multiply(c.transpose());
        double[] aSq = a.rowSquaredNorms();
        double[] cSq = c.rowSquaredNorms();
        float scale = (float) (1.0 / (2 * h * h));
        float[] cf = toFloats(cSq);
        int r = c.rows();
        float[] k = dots.data();
        Parallel.forBlocks(a.rows(), Parallel.blockSize(a.rows(), 64), (s, e) -> {
            for (int i = s; i < e; i++) {
                Kernels.rbfRow(k, i * r, r, (float) aSq[i], cf, scale);
            }
        });
        return dots;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double mean(double[] y, int[] ids) {
        double s = 0;
        for (int i : ids) {
            s += y[i];
        }
        return s / ids.length;
    }

    private static double[] choleskySolveJittered(double[] a, int n, double[] b) {
        double tr = 0;
        for (int i = 0; i < n; i++) {
            tr += a[i * n + i];
        }
        double jitter = 0;
        double base = Math.max(tr / n, 1e-300) * 1e-12;
        for (int attempt = 0; attempt < 8; attempt++) {
            double[] aj = a;
            if (jitter > 0) {
                aj = a.clone();
                for (int i = 0; i < n; i++) {
                    aj[i * n + i] += jitter;
                }
            }
            try {
                return Dense.choleskySolve(Dense.choleskyEjml(aj, n), n, b);
            } catch (ArithmeticException e) {
                jitter = jitter == 0 ? base : jitter * 100;
            }
        }
        throw new ArithmeticException("kernel_ridge: system " + n + "x" + n + " is not positive definite");
    }

    private static Model fitExact(FloatMatrix x, double[] y, int[] tr, int[] val, double h, double[] grid) {
        FloatMatrix xtr = x.selectRows(tr);
        FloatMatrix xval = x.selectRows(val);
        int nt = tr.length;
        double muTr = mean(y, tr);
        double[] ktt = toDouble(kernel(xtr, xtr, h));
        FloatMatrix kvt = kernel(xval, xtr, h);
        double[] ytr = new double[nt];
        for (int i = 0; i < nt; i++) {
            ytr[i] = y[tr[i]] - muTr;
        }
        double bestLambda = grid[0];
        double bestErr = Double.POSITIVE_INFINITY;
        for (double lambda : grid) {
            double[] a = ktt.clone();
            for (int i = 0; i < nt; i++) {
                a[i * nt + i] += lambda;
            }
            double[] alpha = choleskySolveJittered(a, nt, ytr);
            double err = validationMse(kvt, alpha, muTr, y, val);
            if (err < bestErr || (err == bestErr && lambda > bestLambda)) {
                bestErr = err;
                bestLambda = lambda;
            }
        }
        int m = x.rows();
        int[] all = new int[m];
        for (int i = 0; i < m; i++) {
            all[i] = i;
        }
        double mu = mean(y, all);
        double[] k = toDouble(kernel(x, x, h));
        for (int i = 0; i < m; i++) {
            k[i * m + i] += bestLambda;
        }
        double[] yc = new double[m];
        for (int i = 0; i < m; i++) {
            yc[i] = y[i] - mu;
        }
        double[] alpha = choleskySolveJittered(k, m, yc);
        return new Model(x, alpha, mu, h, bestLambda, true, bestErr);
    }

    private static Model fitNystrom(
            FloatMatrix x, double[] y, int[] tr, int[] val, int[] centreIds, double h, double[] grid) {
        FloatMatrix centres = x.selectRows(centreIds);
        int r = centreIds.length;
        // Whitening T = U_t Λ_t^{-1/2} of K_rr, dropping eigenvalues < EIG_TOL·λmax: the features
        // Φ = C·T have ΦΦᵀ ≈ K and the dropped directions are float round-off, not signal.
        Dense.SymEigen eig = Dense.symmetricEigen(toDouble(kernel(centres, centres, h)), r);
        double lmax = eig.values()[0];
        int re = 0;
        while (re < r && eig.values()[re] > EIG_TOL * lmax) {
            re++;
        }
        double[] t = new double[r * re];
        for (int c = 0; c < re; c++) {
            double inv = 1.0 / Math.sqrt(eig.values()[c]);
            for (int row = 0; row < r; row++) {
                t[row * re + c] = eig.vectors()[row * r + c] * inv;
            }
        }
        // Φ = C·T formed explicitly (not Tᵀ(CᵀC)T, which amplifies float round-off by 1/λ_min)
        FloatMatrix tf = FloatMatrix.fromDoubles(r, re, t);
        FloatMatrix ptr = kernel(x.selectRows(tr), centres, h).multiply(tf);
        FloatMatrix pval = kernel(x.selectRows(val), centres, h).multiply(tf);
        double[] gtr = ptr.gram();
        double muTr = mean(y, tr);
        double[] btr = rhs(ptr, y, tr, muTr);
        double bestLambda = grid[0];
        double bestErr = Double.POSITIVE_INFINITY;
        for (double lambda : grid) {
            double[] w = choleskySolveJittered(addIdentity(gtr, re, lambda), re, btr);
            double err = validationMse(pval, w, muTr, y, val);
            if (err < bestErr || (err == bestErr && lambda > bestLambda)) {
                bestErr = err;
                bestLambda = lambda;
            }
        }
        // refit on all landmarks: ΦᵀΦ = Φ_trᵀΦ_tr + Φ_valᵀΦ_val
        double[] gval = pval.gram();
        double[] g = gtr.clone();
        for (int i = 0; i < g.length; i++) {
            g[i] += gval[i];
        }
        int m = x.rows();
        double mu = 0;
        for (double v : y) {
            mu += v;
        }
        mu /= m;
        double[] b = rhs(ptr, y, tr, mu);
        double[] bv = rhs(pval, y, val, mu);
        for (int j = 0; j < re; j++) {
            b[j] += bv[j];
        }
        double[] w = choleskySolveJittered(addIdentity(g, re, bestLambda), re, b);
        double[] beta = Dense.multiply(t, r, re, w, 1);
        return new Model(centres, beta, mu, h, bestLambda, false, bestErr);
    }

    private static final double EIG_TOL = 1e-8;

    private static double[] addIdentity(double[] a, int n, double lambda) {
        double[] out = a.clone();
        for (int i = 0; i < n; i++) {
            out[i * n + i] += lambda;
        }
        return out;
    }

    /** {@code Cᵀ (y[ids] − mu)}. */
    private static double[] rhs(FloatMatrix c, double[] y, int[] ids, double mu) {
        int r = c.cols();
        double[] b = new double[r];
        for (int i = 0; i < ids.length; i++) {
            double t = y[ids[i]] - mu;
            int o = i * r;
            for (int j = 0; j < r; j++) {
                b[j] += c.data()[o + j] * t;
            }
        }
        return b;
    }

    private static double validationMse(FloatMatrix k, double[] coef, double mu, double[] y, int[] val) {
        int r = k.cols();
        double err = 0;
        for (int i = 0; i < val.length; i++) {
            double f = mu;
            int o = i * r;
            for (int j = 0; j < r; j++) {
                f += k.data()[o + j] * coef[j];
            }
            double e = f - y[val[i]];
            err += e * e;
        }
        return err / val.length;
    }

    private static double[] toDouble(FloatMatrix m) {
        return m.toDoubles();
    }
}
