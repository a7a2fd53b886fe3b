package ai.curator.eval.bench.selection;

import ai.curator.api.LossOracle;
import ai.curator.linalg.Dense;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Parallel;
import ai.curator.linalg.Rand;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KMeans;
import ai.curator.select.algo.LowRankSensitivity;
import ai.curator.select.algo.SensitivitySampling;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Wall-clock figures on synthetic Gaussian-mixture data (not a test). Usage: {@code java -cp ...
 * ai.curator.eval.bench.selection.LinalgBench [N=100000] [d=384] [parts=all]}, parts a comma list of
 * kernel, gemm, chol, svd, kmeans, krr, lrs.
 */
public final class LinalgBench {
    private LinalgBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        String parts = args.length > 2 ? args[2] : "gemm,chol,svd,kmeans,krr,lrs";
        System.out.printf(
                "LinalgBench N=%d d=%d threads=%d java=%s%n",
                n, d, Parallel.threads(), System.getProperty("java.version"));
        long t0 = System.nanoTime();
        FloatMatrix x = mixture(n, d, 50, 42);
        System.out.printf("data: %.2f s%n", secs(t0));

        if (parts.contains("gemm")) {
            FloatMatrix w = FloatMatrix.gaussian(d, 64, new SplittableRandom(1));
            x.multiply(w); // warm-up
            long t = System.nanoTime();
            x.multiply(w);
            double s = secs(t);
            System.out.printf(
                    "gemm X·W (%dx%d · %dx64): %.3f s, %.1f GFLOP/s%n", n, d, d, s, 2.0 * n * d * 64 / s / 1e9);
            FloatMatrix y = FloatMatrix.gaussian(n, 64, new SplittableRandom(2));
            x.transposeMultiply(y); // warm-up
            t = System.nanoTime();
            x.transposeMultiply(y);
            s = secs(t);
            System.out.printf(
                    "gemm XᵀY (%dx%d)ᵀ·(%dx64): %.3f s, %.1f GFLOP/s%n", n, d, n, s, 2.0 * n * d * 64 / s / 1e9);
        }
        if (parts.contains("kernel")) {
            int rowsK = Math.min(n, 20_000);
            for (int k : new int[] {16, 74, 1000}) {
                FloatMatrix w = FloatMatrix.gaussian(d, k, new SplittableRandom(1));
                float[] o1 = new float[rowsK * k];
                float[] o4 = new float[rowsK * k];
                double best1 = 1e9;
                double best4 = 1e9;
                for (int rep = 0; rep < 5; rep++) {
                    long t = System.nanoTime();
                    Parallel.forBlocks(
                            rowsK,
                            256,
                            (s0, e0) ->
                                    ai.curator.linalg.Kernels.scalarGemmRows(x.data(), d, s0, e0, w.data(), k, o1, s0));
                    best1 = Math.min(best1, secs(t));
                    t = System.nanoTime();
                    Parallel.forBlocks(
                            rowsK,
                            256,
                            (s0, e0) -> ai.curator.linalg.Kernels.gemmRows(x.data(), d, s0, e0, w.data(), k, o4, s0));
                    best4 = Math.min(best4, secs(t));
                }
                System.out.printf(
                        "kernel %dx%d·%dx%d best of 5: plain Java %.1f GF/s, "
                                + ai.curator.linalg.Kernels.implementation() + " %.1f GF/s (bit-identical: %s)%n",
                        rowsK,
                        d,
                        d,
                        k,
                        2.0 * rowsK * d * k / best1 / 1e9,
                        2.0 * rowsK * d * k / best4 / 1e9,
                        Arrays.equals(o1, o4));
            }
        }
        if (parts.contains("chol")) {
            for (int m : new int[] {1000, 2000}) {
                double[] a = spd(m);
                Dense.cholesky(a, m);
                Dense.choleskyEjml(a, m);
                long t = System.nanoTime();
                Dense.cholesky(a, m);
                double plain = secs(t);
                t = System.nanoTime();
                Dense.choleskyEjml(a, m);
                double ejml = secs(t);
                t = System.nanoTime();
                Dense.symmetricEigen(a, m);
                double eig = secs(t);
                System.out.printf(
                        "cholesky %dx%d: plain-java %.3f s, ejml %.3f s; ejml sym-eigen %.3f s%n",
                        m, m, plain, ejml, eig);
            }
        }
        if (parts.contains("svd")) {
            for (int k : new int[] {5, 64}) {
                long t = System.nanoTime();
                RandomizedSvd.Result r =
                        RandomizedSvd.compute(x, RandomizedSvd.Options.ofRank(k), new SplittableRandom(7));
                double s = secs(t);
                t = System.nanoTime();
                double[] lev = r.leverageScores();
                double ls = secs(t);
                System.out.printf(
                        "randomized SVD k=%d (p=10, q=2): %.2f s; leverage: %.3f s (sum %.4f); s1=%.1f s_k=%.1f%n",
                        k, s, ls, Arrays.stream(lev).sum(), r.singularValues()[0], r.singularValues()[k - 1]);
            }
        }
        if (parts.contains("kmeans")) {
            int k = Math.min(1000, n / 10);
            long t = System.nanoTime();
            FloatMatrix c = KMeans.seedPlusPlus(x, k, new SplittableRandom(3));
            double seed = secs(t);
            double[] xSq = x.rowSquaredNorms();
            t = System.nanoTime();
            KMeans.assign(x, xSq, c, null);
            double assign = secs(t);
            t = System.nanoTime();
            KMeans.Result r = KMeans.fit(x, new KMeans.Options(k, 5, 1e-4, 1), new SplittableRandom(3));
            double fit = secs(t);
            System.out.printf(
                    "k-means k=%d: k-means++ seeding %.2f s; one assignment %.2f s; fit (1 restart, %d iters incl. seeding) %.2f s; inertia %.4g%n",
                    k, seed, assign, r.iterations(), fit, r.inertia());
        }
        if (parts.contains("krr")) {
            int m = Math.min(20_000, n / 2);
            int[] rows = Arrays.copyOf(Rand.permutation(n, new SplittableRandom(5)), m);
            FloatMatrix lm = x.selectRows(rows);
            double[] sq = lm.rowSquaredNorms();
            double[] y = new double[m];
            for (int i = 0; i < m; i++) {
                y[i] = Math.sqrt(sq[i]) + Math.sin(lm.get(i, 0));
            }
            for (int r : new int[] {1000, 2000}) {
                KernelRidgeRegression.Options o = new KernelRidgeRegression.Options(
                        new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1, 10}, 0.2, 2000, r, 2000, 0);
                long t = System.nanoTime();
                KernelRidgeRegression.Model model = KernelRidgeRegression.fit(lm, y, o, new SplittableRandom(5));
                double fit = secs(t);
                t = System.nanoTime();
                model.predict(x);
                double pred = secs(t);
                System.out.printf(
                        "KRR Nyström m=%d r=%d: fit (6 lambdas) %.2f s, predict %d rows %.2f s; lambda=%.0e h=%.2f valMSE=%.4g (var y %.4g)%n",
                        m, r, fit, n, pred, model.lambda(), model.bandwidth(), model.validationMse(), variance(y));
            }
            int me = 2000;
            FloatMatrix small = lm.selectRows(IntStream.range(0, me).toArray());
            long t = System.nanoTime();
            KernelRidgeRegression.Model ex = KernelRidgeRegression.fit(
                    small, Arrays.copyOf(y, me), KernelRidgeRegression.Options.defaults(), new SplittableRandom(5));
            System.out.printf("KRR exact m=%d: fit (6 lambdas) %.2f s (exact=%s)%n", me, secs(t), ex.exact());
        }
        if (parts.contains("lrs")) {
            double[] sq = x.rowSquaredNorms();
            LossOracle oracle =
                    rows -> Arrays.stream(rows).mapToDouble(i -> sq[i]).toArray();
            long t = System.nanoTime();
            LowRankSensitivity.Result b = LowRankSensitivity.score(
                    x,
                    null,
                    new double[] {1, 1, 1, 1, 1},
                    LowRankSensitivity.Options.basis(5),
                    new SplittableRandom(11));
            double sb = secs(t);
            t = System.nanoTime();
            LowRankSensitivity.Result l = LowRankSensitivity.score(
                    x, oracle, null, LowRankSensitivity.Options.landmarks(5, 1.0), new SplittableRandom(11));
            double sl = secs(t);
            t = System.nanoTime();
            double truth = Arrays.stream(sq).sum();
            double errB = Math.abs(SensitivitySampling.sample(b.sensitivity(), 1000, new SplittableRandom(1))
                                    .estimateSum(sq)
                            - truth)
                    / truth;
            double errL = Math.abs(SensitivitySampling.sample(l.sensitivity(), 1000, new SplittableRandom(1))
                                    .estimateSum(sq)
                            - truth)
                    / truth;
            System.out.printf(
                    "low-rank sensitivity k=5: basis %.2f s; landmarks (m=%d, %s r=%d) %.2f s; sampling s=1000 %.3f s; rel. err basis %.2e landmarks %.2e%n",
                    sb,
                    l.oracleRows().length,
                    l.model().exact() ? "exact" : "Nystrom",
                    l.model().centres(),
                    sl,
                    secs(t) / 2,
                    errB,
                    errL);
        }
    }

    private static double variance(double[] y) {
        double m = Arrays.stream(y).average().orElse(0);
        return Arrays.stream(y).map(v -> (v - m) * (v - m)).average().orElse(0);
    }

    private static double[] spd(int m) {
        SplittableRandom rnd = new SplittableRandom(1);
        FloatMatrix g = FloatMatrix.gaussian(m + 10, m, rnd);
        double[] a = g.gram();
        for (int i = 0; i < m; i++) {
            a[i * m + i] += m;
        }
        return a;
    }

    /** N rows from {@code c} Gaussian clusters (centres N(0, 1), spread 0.5), built in parallel. */
    /**
     * The benchmarks' synthetic data: a Gaussian mixture of {@code c} centres (N(0, I)) with
     * within-cluster spread 0.5, generated in fixed 8192-row blocks from split streams, so the same
     * seed gives the same matrix on any machine.
     */
    public static FloatMatrix mixture(int n, int d, int c, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        FloatMatrix centres = FloatMatrix.gaussian(c, d, root);
        FloatMatrix x = new FloatMatrix(n, d);
        int block = 8192;
        int blocks = (n + block - 1) / block;
        SplittableRandom[] rs = new SplittableRandom[blocks];
        for (int b = 0; b < blocks; b++) {
            rs[b] = root.split();
        }
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom r = rs[b];
            float[] row = new float[d];
            for (int i = b * block; i < Math.min(n, (b + 1) * block); i++) {
                int cl = r.nextInt(c);
                for (int j = 0; j < d; j++) {
                    row[j] = centres.get(cl, j) + 0.5f * (float) Rand.gaussian(r);
                }
                x.setRow(i, row, 0);
            }
        });
        return x;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
