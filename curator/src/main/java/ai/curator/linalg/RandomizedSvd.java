package ai.curator.linalg;

import java.util.SplittableRandom;

/**
 * Truncated rank-k SVD {@code A ≈ U diag(s) Vᵀ} of a tall {@code N × d} matrix by the randomized
 * range finder of Halko, Martinsson &amp; Tropp (2011), "Finding structure with randomness", Alg. 4.4
 * (randomized subspace iteration, re-orthonormalising after every product) followed by Alg. 5.1
 * (direct SVD of the small {@code l × d} matrix {@code B = QᵀA}).
 *
 * <p>Work: {@code (2q + 2)} passes over {@code A}, each {@code N·d·l} multiply-adds with {@code l =
 * k + p}; memory {@code O(N·l + d·l)} beyond {@code A}. No {@code N × N} (or {@code N × d} double)
 * matrix is formed. The tall {@code N × l} bases are orthonormalised by an eigen-based Cholesky-QR
 * run twice (CholQR2): {@code G = YᵀY = WΛWᵀ}, {@code Q = Y W Λ^{-1/2}}, dropping directions with
 * {@code λ < 1e-10·λmax}; dropped directions (data of rank &lt; l) are replaced by random vectors
 * orthogonalised against the rest, so {@code U} always has k orthonormal columns and the leverage
 * scores sum to k even for rank-deficient data (the extra singular values are then ≈ 0).
 */
public final class RandomizedSvd {
    private RandomizedSvd() {}

    private static final double DROP_TOL = 1e-10;

    /**
     * Options.
     *
     * @param rank target rank k, {@code >= 1}; must also be {@code < min(N, d)} of the data (checked
     *     at {@link #compute})
     * @param oversampling extra random directions p, {@code >= 0}, default 10
     * @param powerIterations subspace iterations q, {@code >= 0}, default 2
     */
    public record Options(int rank, int oversampling, int powerIterations) {
        public Options {
            if (rank < 1) {
                throw new IllegalArgumentException("randomized_svd.rank must be >= 1, got " + rank);
            }
            if (oversampling < 0) {
                throw new IllegalArgumentException("randomized_svd.oversampling must be >= 0, got " + oversampling);
            }
            if (powerIterations < 0) {
                throw new IllegalArgumentException(
                        "randomized_svd.power_iterations must be >= 0, got " + powerIterations);
            }
        }

        /** Rank {@code k} with the defaults p = 10, q = 2. */
        public static Options ofRank(int rank) {
            return new Options(rank, 10, 2);
        }
    }

    /**
     * A rank-k factorisation.
     *
     * @param u {@code N × k} left singular vectors (orthonormal columns)
     * @param singularValues k values, descending
     * @param v {@code d × k} right singular vectors (orthonormal columns)
     */
    public record Result(FloatMatrix u, double[] singularValues, FloatMatrix v) {
        public int rank() {
            return singularValues.length;
        }

        /** Row leverage scores {@code ‖U[i,:]‖²}; they sum to k. */
        public double[] leverageScores() {
            return RandomizedSvd.leverageScores(u);
        }
    }

    /**
     * Randomized truncated SVD.
     *
     * @param a {@code N × d}, finite; not modified
     * @param options rank (k &lt; min(N, d)), oversampling, power iterations
     * @param rnd the only source of randomness (the test matrix Ω and any replacement directions)
     * @throws IllegalArgumentException for k ≥ min(N, d) or non-finite data
     */
    public static Result compute(FloatMatrix a, Options options, SplittableRandom rnd) {
        checkRank(a.rows(), a.cols(), options.rank());
        a.requireFinite("randomized_svd input");
        Factors f = factors(a, options, rnd);
        return new Result((FloatMatrix) f.u(), f.singularValues(), f.v());
    }

    /**
     * The factorisation with {@code U} left as {@code Q · Ũ}, for a matrix whose rows may live
     * elsewhere ({@link TallMatrix}): {@code U = q · ũ} row by row.
     *
     * @param q {@code N × l} orthonormal basis of the range found
     * @param uSmall {@code Ũ[:, :k]}, {@code l × k} row-major
     * @param singularValues k values, descending
     * @param v {@code d × k} right singular vectors
     */
    public record Factors(TallMatrix q, double[] uSmall, double[] singularValues, FloatMatrix v) {
        /** {@code U = Q · Ũ}, {@code N × k}. */
        public TallMatrix u() {
            return q.times(FloatMatrix.fromDoubles(q.cols(), singularValues.length, uSmall));
        }
    }

    /**
     * The randomized SVD on any {@link TallMatrix}: every pass over the rows is a row-by-row product
     * or a chunk-ordered sum, so the result is the same bits on one machine and on a cluster. The
     * caller checks the rank and that the data are finite.
     */
    public static Factors factors(TallMatrix a, Options options, SplittableRandom rnd) {
        int n = a.rows();
        int d = a.cols();
        int k = options.rank();
        checkRank(n, d, k);
        int l = Math.min(k + options.oversampling(), Math.min(n, d));

        FloatMatrix omega = FloatMatrix.gaussian(d, l, rnd);
        TallMatrix q = orthonormalizeTall(a.times(omega), rnd);
        for (int it = 0; it < options.powerIterations(); it++) {
            double[] z = a.transposeTimes(q); // d × l
            double[] zq = Dense.orthonormalize(z, d, l, rnd);
            q = orthonormalizeTall(a.times(FloatMatrix.fromDoubles(d, l, zq)), rnd);
        }
        // Bᵀ = Aᵀ Q (d × l); Bᵀ = W Σ Ũᵀ  ⇒  A ≈ Q B = (Q Ũ) Σ Wᵀ
        double[] bt = a.transposeTimes(q);
        Dense.Svd svd = Dense.svd(bt, d, l);
        int p = svd.rank(); // = l
        double[] s = new double[k];
        double[] uSmall = new double[l * k]; // Ũ[:, :k], l × k
        FloatMatrix v = new FloatMatrix(d, k);
        for (int c = 0; c < k; c++) {
            s[c] = svd.s()[c];
            for (int r = 0; r < l; r++) {
                uSmall[r * k + c] = svd.v()[r * p + c];
            }
            for (int r = 0; r < d; r++) {
                v.set(r, c, (float) svd.u()[r * p + c]);
            }
        }
        return new Factors(q, uSmall, s, v);
    }

    /**
     * Exact thin SVD through EJML in double, truncated to {@code rank}; for tests and small inputs
     * ({@code N·d} doubles must fit in memory; cost {@code O(N·d·min(N, d))}).
     */
    public static Result exact(FloatMatrix a, int rank) {
        checkRank(a.rows(), a.cols(), rank);
        a.requireFinite("exact_svd input");
        int n = a.rows();
        int d = a.cols();
        Dense.Svd svd = Dense.svd(a.toDoubles(), n, d);
        int p = svd.rank();
        double[] s = new double[rank];
        FloatMatrix u = new FloatMatrix(n, rank);
        FloatMatrix v = new FloatMatrix(d, rank);
        for (int c = 0; c < rank; c++) {
            s[c] = svd.s()[c];
            for (int r = 0; r < n; r++) {
                u.set(r, c, (float) svd.u()[r * p + c]);
            }
            for (int r = 0; r < d; r++) {
                v.set(r, c, (float) svd.v()[r * p + c]);
            }
        }
        return new Result(u, s, v);
    }

    /** Row leverage scores {@code ‖U[i,:]‖²} of an {@code N × k} matrix with orthonormal columns. */
    public static double[] leverageScores(FloatMatrix u) {
        return u.rowSquaredNorms();
    }

    private static void checkRank(int n, int d, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("randomized_svd.rank must be >= 1, got " + k);
        }
        if (k >= d) {
            throw new IllegalArgumentException(
                    "randomized_svd.rank must be < the data dimension d = " + d + ", got " + k);
        }
        if (k >= n) {
            throw new IllegalArgumentException(
                    "randomized_svd.rank must be < the number of rows N = " + n + ", got " + k);
        }
    }

    /**
     * Orthonormal basis of the columns of a tall {@code N × l} matrix (CholQR2 with eigen-based
     * pivots; lost directions are replaced by random ones). Always returns {@code l} columns.
     */
    static TallMatrix orthonormalizeTall(TallMatrix y, SplittableRandom rnd) {
        int l = y.cols();
        TallMatrix cur = y;
        for (int round = 0; round < 4; round++) {
            int[] kept = new int[1];
            TallMatrix q1 = cholQrStep(cur, kept);
            TallMatrix q2 = cholQrStep(q1, kept);
            if (q2.cols() == l) {
                return q2;
            }
            // rank-deficient: keep the good directions and add fresh random ones, then redo
            cur = q2.withRandomColumns(l, rnd);
        }
        throw new ArithmeticException(
                "could not orthonormalise a " + y.rows() + "x" + l + " basis (data rank too low?)");
    }

    private static TallMatrix cholQrStep(TallMatrix y, int[] kept) {
        int l = y.cols();
        double[] g = y.transposeTimes(y);
        Dense.SymEigen eig = Dense.symmetricEigen(g, l);
        double max = Math.max(eig.values()[0], 0.0);
        int r = 0;
        while (r < l && eig.values()[r] > DROP_TOL * max && max > 0) {
            r++;
        }
        kept[0] = r;
        double[] t = new double[l * r];
        for (int c = 0; c < r; c++) {
            double inv = 1.0 / Math.sqrt(eig.values()[c]);
            for (int row = 0; row < l; row++) {
                t[row * r + c] = eig.vectors()[row * l + c] * inv;
            }
        }
        return y.times(FloatMatrix.fromDoubles(l, r, t));
    }
}
