package ai.curator.eval.bench.selection;

import ai.curator.api.LossOracle;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import ai.curator.linalg.Rand;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KMeans;
import ai.curator.select.algo.LowRankSensitivity;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.WeightedSample;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Wall time of one selection building block on a raw float32 embedding file — the Java side of
 * {@code scripts/bench-selection}, which runs every step in its own JVM so that {@code /usr/bin/time}
 * gives each step's peak memory. Not a test.
 *
 * <pre>
 * SelectionTiming generate N D FILE [SEED]   write an N × D Gaussian mixture (raw little-endian float32)
 * SelectionTiming STEP N D FILE              time STEP on the file; prints "STEP seconds=… detail=…"
 * </pre>
 *
 * <p>Steps (k = 5, p = 10, q = 2 for every SVD): {@code svd} randomized SVD; {@code leverage} row
 * leverage from U (the SVD before it is not timed); {@code kmeans} k-means++ seeding + 5 Lloyd
 * iterations, k = 1000, 1 restart, tolerance 0; {@code krr} RBF kernel ridge on 20,000 uniformly
 * drawn landmarks (target ‖x‖ + sin x₀, median-heuristic bandwidth, Nyström r = 1000, λ picked from
 * 1e-4…10 on a 20 % validation split, refit) and prediction on all N rows; {@code lrs_basis} /
 * {@code lrs_landmarks} low-rank sensitivity end to end with ℓ = ‖x‖² (landmarks: 20 % by leverage,
 * the KRR above) plus drawing s = 1000; {@code sampling} the s = 1000 draw alone.
 */
public final class SelectionTiming {
    private SelectionTiming() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println(
                    "usage: SelectionTiming generate|svd|leverage|kmeans|krr|lrs_basis|lrs_landmarks|sampling N D FILE [SEED]");
            System.exit(2);
        }
        String step = args[0];
        int n = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        Path file = Path.of(args[3]);
        if (step.equals("generate")) {
            long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
            long t = System.nanoTime();
            write(ai.curator.eval.bench.selection.LinalgBench.mixture(n, d, 50, seed), file);
            System.out.printf(Locale.ROOT, "generate seconds=%.3f detail=%dx%d float32 -> %s%n", secs(t), n, d, file);
            return;
        }
        if (!Boolean.getBoolean("curator.bench.coldKernels")) {
            Kernels.warmUpInBackground(); // as `curator run` does: overlaps the JIT warm-up with loading
        }
        FloatMatrix x = read(file, n, d);
        long t;
        String detail;
        switch (step) {
            case "leverage" -> {
                RandomizedSvd.Result svd =
                        RandomizedSvd.compute(x, RandomizedSvd.Options.ofRank(5), new SplittableRandom(7));
                t = System.nanoTime();
                double[] lev = svd.leverageScores();
                detail = String.format(
                        Locale.ROOT,
                        "sum=%.4f(untimed SVD before)",
                        Arrays.stream(lev).sum());
            }
            case "sampling" -> {
                LowRankSensitivity.Result r = LowRankSensitivity.score(
                        x,
                        null,
                        new double[] {1, 1, 1, 1, 1},
                        LowRankSensitivity.Options.basis(5),
                        new SplittableRandom(11));
                t = System.nanoTime();
                WeightedSample s = SensitivitySampling.sample(r.sensitivity(), 1000, new SplittableRandom(1));
                detail = "s=1000,distinct=" + s.size();
            }
            default -> {
                double[] sq = x.rowSquaredNorms(); // untimed, as on the Python side
                t = System.nanoTime();
                detail = run(step, x, sq);
            }
        }
        System.out.printf(
                Locale.ROOT, "%s seconds=%.3f threads=%d detail=%s%n", step, secs(t), Parallel.threads(), detail);
    }

    /** Runs a step given the rows' squared norms (computed untimed, as on the Python side); the caller times it. */
    private static String run(String step, FloatMatrix x, double[] sq) {
        int n = x.rows();
        LossOracle oracle = rows -> Arrays.stream(rows).mapToDouble(i -> sq[i]).toArray();
        return switch (step) {
            case "svd" -> {
                RandomizedSvd.Result r =
                        RandomizedSvd.compute(x, RandomizedSvd.Options.ofRank(5), new SplittableRandom(7));
                yield String.format(Locale.ROOT, "s1=%.1f,s5=%.1f", r.singularValues()[0], r.singularValues()[4]);
            }
            case "kmeans" -> {
                KMeans.Result r =
                        KMeans.fit(x, new KMeans.Options(Math.min(1000, n), 5, 0, 1), new SplittableRandom(3));
                yield String.format(Locale.ROOT, "iterations=%d,inertia=%.4g", r.iterations(), r.inertia());
            }
            case "krr" -> {
                int m = Math.min(20_000, n / 2);
                int[] rows = Arrays.copyOf(Rand.permutation(n, new SplittableRandom(5)), m);
                FloatMatrix lm = x.selectRows(rows);
                double[] y = new double[m];
                for (int i = 0; i < m; i++) {
                    y[i] = Math.sqrt(sq[rows[i]]) + Math.sin(lm.get(i, 0));
                }
                KernelRidgeRegression.Model model = KernelRidgeRegression.fit(
                        lm, y, KernelRidgeRegression.Options.defaults(), new SplittableRandom(5));
                double[] pred = model.predict(x);
                yield String.format(
                        Locale.ROOT,
                        "m=%d,r=%d,lambda=%.0e,h=%.2f,valMSE=%.4g,predMean=%.4g",
                        m,
                        model.centres(),
                        model.lambda(),
                        model.bandwidth(),
                        model.validationMse(),
                        Arrays.stream(pred).average().orElse(0));
            }
            case "lrs_basis" -> {
                LowRankSensitivity.Result r = LowRankSensitivity.score(
                        x,
                        null,
                        new double[] {1, 1, 1, 1, 1},
                        LowRankSensitivity.Options.basis(5),
                        new SplittableRandom(11));
                yield sampled(r, sq);
            }
            case "lrs_landmarks" -> {
                LowRankSensitivity.Options o = LowRankSensitivity.Options.basis(5);
                o = new LowRankSensitivity.Options(
                        5,
                        LowRankSensitivity.LossMode.LANDMARKS,
                        o.gamma(),
                        o.lambda(),
                        o.smoothing(),
                        0.2,
                        Double.NaN,
                        o.svd(),
                        o.krr());
                LowRankSensitivity.Result r = LowRankSensitivity.score(x, oracle, null, o, new SplittableRandom(11));
                yield "m=" + r.oracleRows().length + "," + sampled(r, sq);
            }
            default -> throw new IllegalArgumentException("unknown step '" + step
                    + "'; steps are svd, leverage, kmeans, krr, lrs_basis, lrs_landmarks, sampling");
        };
    }

    private static String sampled(LowRankSensitivity.Result r, double[] sq) {
        WeightedSample s = SensitivitySampling.sample(r.sensitivity(), 1000, new SplittableRandom(1));
        double truth = Arrays.stream(sq).sum();
        return String.format(
                Locale.ROOT, "s=1000,distinct=%d,relErr=%.2e", s.size(), Math.abs(s.estimateSum(sq) - truth) / truth);
    }

    /** Raw little-endian float32, row-major (numpy: {@code np.fromfile(f, '<f4').reshape(n, d)}). */
    static void write(FloatMatrix x, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (int c = 0; c < x.chunkCount(); c++) {
                for (float v : x.chunk(c)) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    static FloatMatrix read(Path file, int n, int d) {
        long bytes = 4L * n * d;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != bytes) {
                throw new IllegalArgumentException(
                        file + " has " + ch.size() + " bytes; " + n + " x " + d + " float32 needs " + bytes);
            }
            FloatMatrix x = new FloatMatrix(n, d); // row chunks beyond 2^31 values
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip(); // empty, in read mode
            for (int c = 0; c < x.chunkCount(); c++) {
                float[] data = x.chunk(c);
                int k = 0;
                while (k < data.length) {
                    if (buf.remaining() < 4) {
                        buf.compact();
                        if (ch.read(buf) < 0) {
                            throw new IllegalArgumentException(file + " ended early");
                        }
                        buf.flip();
                        continue;
                    }
                    data[k++] = buf.getFloat();
                }
            }
            return x;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
