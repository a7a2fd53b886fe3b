package ai.curator.eval.bench.selection;

import ai.curator.eval.study.StudyData;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KeyedSampling;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.WeightedSample;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seconds of each step of the LLM selection path after embedding — the Java side of {@code
 * scripts/bench-llm-selection}. Not a test.
 *
 * <pre>
 * LlmSelectionTiming arrow EMBEDDINGS.arrow [LOSSES.jsonl]   rows of a real embedding matrix (losses by row index id)
 * LlmSelectionTiming synthetic N D                           an N × D Gaussian mixture, loss = 1 + |x₀|
 * </pre>
 *
 * <p>Steps, as {@code low_rank_sensitivity} in landmark mode runs them: randomized SVD (rank 20,
 * p = 10, q = 2); leverage scores + drawing m = 20% of N landmarks ∝ leverage; the oracle (here: a
 * look-up in the loss array; its cost is the model's, reported as the number of calls); RBF kernel
 * ridge fit on the landmarks (median-heuristic bandwidth, λ from 1e-4…10 on a 20% hold-out; Nyström
 * r = 1000 above 2,000 landmarks); predicting every row; σ = L̂ + λ‖r‖² with γ = 0 and drawing s = 25%
 * of N with replacement, weights 1/(s·p).
 */
public final class LlmSelectionTiming {
    private LlmSelectionTiming() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: LlmSelectionTiming arrow FILE [LOSSES] | synthetic N D");
            System.exit(2);
        }
        Kernels.warmUpInBackground();
        long t = System.nanoTime();
        FloatMatrix x;
        double[] loss;
        if (args[0].equals("arrow")) {
            x = StudyData.embeddings(java.nio.file.Path.of(args[1]));
            if (args.length > 2) {
                List<String> ids =
                        IntStream.range(0, x.rows()).mapToObj(Integer::toString).toList();
                loss = StudyData.lossesFromFile(java.nio.file.Path.of(args[2]), ids);
            } else {
                loss = synthLoss(x);
            }
        } else {
            int n = Integer.parseInt(args[1]);
            int d = Integer.parseInt(args[2]);
            x = LinalgBench.mixture(n, d, 50, 42);
            loss = synthLoss(x);
        }
        int n = x.rows();
        report("load", t, String.format(Locale.ROOT, "%,d x %d", n, x.cols()));

        SplittableRandom rnd = new SplittableRandom(42);
        int rank = 20;
        t = System.nanoTime();
        RandomizedSvd.Result svd = RandomizedSvd.compute(x, RandomizedSvd.Options.ofRank(rank), rnd.split());
        FloatMatrix alpha = x.multiply(svd.v());
        double[] aSq = alpha.rowSquaredNorms();
        double[] xSq = x.rowSquaredNorms();
        report("svd", t, "rank=" + rank + " (+ projections and residuals)");

        t = System.nanoTime();
        double[] w = svd.leverageScores();
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(0.0, w[i]) + 1e-9;
        }
        int m = Math.max(2, (int) Math.round(0.2 * n));
        int[] landmarks =
                KeyedSampling.weightedWithoutReplacement(w, m, rnd.split().nextLong());
        Arrays.sort(landmarks);
        report("landmarks", t, String.format(Locale.ROOT, "m=%,d (20%% of N) by leverage", m));

        t = System.nanoTime();
        double[] y = new double[m];
        for (int j = 0; j < m; j++) {
            y[j] = loss[landmarks[j]];
        }
        report(
                "oracle",
                t,
                String.format(Locale.ROOT, "calls=%,d of N=%,d (a look-up here; a model's cost in practice)", m, n));

        t = System.nanoTime();
        KernelRidgeRegression.Model model = KernelRidgeRegression.fit(
                x.selectRows(landmarks), y, KernelRidgeRegression.Options.defaults(), rnd.split());
        report(
                "krr_fit",
                t,
                String.format(
                        Locale.ROOT,
                        "%s, centres=%d, h=%.3f, lambda=%.0e",
                        model.exact() ? "exact" : "Nystroem",
                        model.centres(),
                        model.bandwidth(),
                        model.lambda()));

        t = System.nanoTime();
        double[] pred = model.predict(x);
        report("krr_predict", t, String.format(Locale.ROOT, "%,d rows", n));

        t = System.nanoTime();
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = Math.max(0, pred[i]) + Math.max(0, xSq[i] - aSq[i]) + 1e-6;
        }
        for (int j = 0; j < m; j++) {
            sigma[landmarks[j]] = y[j] + Math.max(0, xSq[landmarks[j]] - aSq[landmarks[j]]) + 1e-6;
        }
        int s = Math.max(1, (int) Math.round(0.25 * n));
        WeightedSample ws = SensitivitySampling.sample(sigma, s, rnd.split());
        double mean = Arrays.stream(loss).average().orElse(0);
        report(
                "sampling",
                t,
                String.format(
                        Locale.ROOT,
                        "s=%,d draws (25%%), distinct=%,d, |mean loss - weighted mean|=%.4g",
                        s,
                        ws.size(),
                        Math.abs(mean - ws.estimateSum(loss) / n)));
        System.out.printf(Locale.ROOT, "threads=%d%n", Parallel.threads());
    }

    private static double[] synthLoss(FloatMatrix x) {
        double[] l = new double[x.rows()];
        for (int i = 0; i < l.length; i++) {
            l[i] = 1 + Math.abs(x.get(i, 0));
        }
        return l;
    }

    private static void report(String step, long t0, String detail) {
        System.out.printf(Locale.ROOT, "%-12s %8.2f s  %s%n", step, (System.nanoTime() - t0) / 1e9, detail);
        System.out.flush();
    }
}
