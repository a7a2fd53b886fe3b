package ai.curator.eval.bench.selection;

import ai.curator.api.EvalTask;
import ai.curator.embed.DjlOnnxEncoder;
import ai.curator.embed.InputKind;
import ai.curator.eval.study.StudyData;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KeyedSampling;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.WeightedSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seconds of each step of the LLM selection path — the Java side of {@code
 * scripts/bench-llm-selection}. Not a test.
 *
 * <pre>
 * LlmSelectionTiming arrow EMBEDDINGS.arrow [LOSSES.jsonl]     rows of a real embedding matrix (losses by row index id)
 * LlmSelectionTiming synthetic N D                             an N × D Gaussian mixture, loss = 1 + |x₀|
 * LlmSelectionTiming task NAME FILE MODEL[,MODEL…] [LOSSES]    a task split's prompts, embedded here by each model
 * </pre>
 *
 * <p>Steps, as {@code low_rank_sensitivity} in landmark mode runs them: (task mode: embedding the
 * prompts with the bundled encoder, as the {@code embed: encoder} stage does;) randomized SVD (rank
 * 20, p = 10, q = 2); leverage scores + drawing m = 20% of N landmarks ∝ leverage; the oracle (here:
 * a look-up in the loss array; its cost is the model's, reported as the number of calls); RBF
 * kernel ridge fit on the landmarks (median-heuristic bandwidth, λ from 1e-4…10 on a 20% hold-out;
 * Nyström r = 1000 above 2,000 landmarks); predicting every row; σ = L̂ + λ‖r‖² with γ = 0 and drawing
 * s = 25% of N with replacement, weights 1/(s·p).
 *
 * <p>Task mode with several models (e.g. {@code bge-small-en,bge-small-en-q}: the same encoder in
 * fp32 and int8) also says how far each model's selection is from the first one's, on one loss
 * function: the losses file's, else 1 + |x₀| of the first model's vectors.
 */
public final class LlmSelectionTiming {
    private LlmSelectionTiming() {}

    /** What one pass of the steps chose, and the seconds of the steps after embedding but the oracle. */
    record Selection(int[] landmarks, double[] sigma, WeightedSample subset, double seconds) {}

    public static void main(String[] args) {
        if (args.length < 2 || (args[0].equals("task") && args.length < 4)) {
            System.err.println(
                    "usage: LlmSelectionTiming arrow FILE [LOSSES] | synthetic N D | task NAME FILE MODEL[,MODEL...] [LOSSES]");
            System.exit(2);
        }
        Kernels.warmUpInBackground();
        if (args[0].equals("task")) {
            task(args[1], Path.of(args[2]), List.of(args[3].split(",")), args.length > 4 ? Path.of(args[4]) : null);
            return;
        }
        long t = System.nanoTime();
        FloatMatrix x;
        double[] loss;
        if (args[0].equals("arrow")) {
            x = StudyData.embeddings(Path.of(args[1]));
            if (args.length > 2) {
                List<String> ids =
                        IntStream.range(0, x.rows()).mapToObj(Integer::toString).toList();
                loss = StudyData.lossesFromFile(Path.of(args[2]), ids);
            } else {
                loss = synthLoss(x);
            }
        } else {
            int n = Integer.parseInt(args[1]);
            int d = Integer.parseInt(args[2]);
            x = LinalgBench.mixture(n, d, 50, 42);
            loss = synthLoss(x);
        }
        report("load", t, String.format(Locale.ROOT, "%,d x %d", x.rows(), x.cols()));
        select(x, loss, 42);
        System.out.printf(Locale.ROOT, "threads=%d%n", Parallel.threads());
    }

    /** Embeds the task file's prompts with each model in turn and runs the steps on each. */
    private static void task(String name, Path file, List<String> models, Path lossFile) {
        long t = System.nanoTime();
        List<EvalTask.Example> examples = EvalTask.named(name).examples(file);
        List<String> prompts =
                examples.stream().map(EvalTask.Example::promptText).toList();
        List<String> ids = examples.stream().map(EvalTask.Example::id).toList();
        double[] loss = lossFile == null ? null : StudyData.lossesFromFile(lossFile, ids);
        report("load", t, String.format(Locale.ROOT, "%,d prompts of %s (%s)", prompts.size(), name, file));
        List<Selection> runs = new ArrayList<>();
        List<FloatMatrix> vectors = new ArrayList<>();
        for (String model : models) {
            System.out.printf(Locale.ROOT, "%n== %s%n", model);
            t = System.nanoTime();
            FloatMatrix x;
            try (DjlOnnxEncoder enc = DjlOnnxEncoder.open(model)) {
                report("open", t, enc.id());
                t = System.nanoTime();
                x = FloatMatrix.of(enc.embed(prompts, InputKind.DOCUMENT));
            }
            double embed = (System.nanoTime() - t) / 1e9;
            report(
                    "embed",
                    t,
                    String.format(Locale.ROOT, "%,d x %d, %.1f prompts/s", x.rows(), x.cols(), x.rows() / embed));
            if (loss == null) {
                loss = synthLoss(x);
                System.out.println("losses       1 + |x0| of this model's vectors, for every model");
            }
            Selection s = select(x, loss, 42);
            System.out.printf(
                    Locale.ROOT,
                    "all_but_oracle %6.2f s  embed %.2f s + selection %.2f s (target < 60 s)%n",
                    embed + s.seconds(),
                    embed,
                    s.seconds());
            if (runs.isEmpty()) {
                // The yardstick for the comparisons below: the same vectors, another seed.
                System.out.println("(seed 43, to compare with:)");
                Selection other = select(x, loss, 43);
                compare(model + " seed 42", null, s, "seed 43", null, other);
            } else {
                compare(models.get(0), vectors.get(0), runs.get(0), model, x, s);
            }
            runs.add(s);
            vectors.add(x);
        }
        System.out.printf(
                Locale.ROOT,
                "%nthreads=%d cores=%d%n",
                Parallel.threads(),
                Runtime.getRuntime().availableProcessors());
    }

    /** How close {@code b}'s selection is to {@code a}'s: shared landmarks and rows, σ's rank correlation. */
    private static void compare(String nameA, FloatMatrix xa, Selection a, String nameB, FloatMatrix xb, Selection b) {
        if (xa != null && xa.cols() == xb.cols() && (nameA.equals(nameB + "-q") || nameB.equals(nameA + "-q"))) {
            double min = 1, sum = 0;
            for (int i = 0; i < xa.rows(); i++) {
                double c = cosine(xa, xb, i);
                min = Math.min(min, c);
                sum += c;
            }
            System.out.printf(
                    Locale.ROOT,
                    "vs %-10s cosine of each row's two vectors: min %.6f, mean %.6f%n",
                    nameA,
                    min,
                    sum / xa.rows());
        }
        System.out.printf(
                Locale.ROOT,
                "vs %-10s landmarks shared %.1f%%, subset rows shared %.1f%% (of %,d / %,d), Spearman(sigma) %.4f%n",
                nameA,
                100.0 * shared(a.landmarks(), b.landmarks()) / a.landmarks().length,
                100.0
                        * shared(a.subset().rows(), b.subset().rows())
                        / Math.max(a.subset().rows().length, b.subset().rows().length),
                a.subset().rows().length,
                b.subset().rows().length,
                spearman(a.sigma(), b.sigma()));
    }

    /** The steps after embedding, each timed, on embeddings {@code x} and per-row losses {@code loss}. */
    private static Selection select(FloatMatrix x, double[] loss, long seed) {
        int n = x.rows();
        double seconds = 0;
        SplittableRandom rnd = new SplittableRandom(seed);
        int rank = 20;
        long t = System.nanoTime();
        RandomizedSvd.Result svd = RandomizedSvd.compute(x, RandomizedSvd.Options.ofRank(rank), rnd.split());
        FloatMatrix alpha = x.multiply(svd.v());
        double[] aSq = alpha.rowSquaredNorms();
        double[] xSq = x.rowSquaredNorms();
        seconds += report("svd", t, "rank=" + rank + " (+ projections and residuals)");

        t = System.nanoTime();
        double[] w = svd.leverageScores();
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(0.0, w[i]) + 1e-9;
        }
        int m = Math.max(2, (int) Math.round(0.2 * n));
        int[] landmarks =
                KeyedSampling.weightedWithoutReplacement(w, m, rnd.split().nextLong());
        Arrays.sort(landmarks);
        seconds += report("landmarks", t, String.format(Locale.ROOT, "m=%,d (20%% of N) by leverage", m));

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
        seconds += report(
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
        seconds += report("krr_predict", t, String.format(Locale.ROOT, "%,d rows", n));

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
        seconds += report(
                "sampling",
                t,
                String.format(
                        Locale.ROOT,
                        "s=%,d draws (25%%), distinct=%,d, |mean loss - weighted mean|=%.4g",
                        s,
                        ws.size(),
                        Math.abs(mean - ws.estimateSum(loss) / n)));
        return new Selection(landmarks, sigma, ws, seconds);
    }

    private static double[] synthLoss(FloatMatrix x) {
        double[] l = new double[x.rows()];
        for (int i = 0; i < l.length; i++) {
            l[i] = 1 + Math.abs(x.get(i, 0));
        }
        return l;
    }

    private static double cosine(FloatMatrix a, FloatMatrix b, int row) {
        double ab = 0, aa = 0, bb = 0;
        for (int j = 0; j < a.cols(); j++) {
            double u = a.get(row, j), v = b.get(row, j);
            ab += u * v;
            aa += u * u;
            bb += v * v;
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static int shared(int[] a, int[] b) {
        Set<Integer> in = new HashSet<>();
        for (int v : a) {
            in.add(v);
        }
        int c = 0;
        for (int v : b) {
            c += in.contains(v) ? 1 : 0;
        }
        return c;
    }

    /** Spearman's rank correlation (average ranks for ties). */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0),
                mb = Arrays.stream(rb).average().orElse(0);
        double num = 0, da = 0, db = 0;
        for (int i = 0; i < ra.length; i++) {
            num += (ra[i] - ma) * (rb[i] - mb);
            da += (ra[i] - ma) * (ra[i] - ma);
            db += (rb[i] - mb) * (rb[i] - mb);
        }
        return num / Math.sqrt(da * db);
    }

    private static double[] ranks(double[] v) {
        Integer[] order = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (i, j) -> Double.compare(v[i], v[j]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }

    private static double report(String step, long t0, String detail) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-12s %8.2f s  %s%n", step, s, detail);
        System.out.flush();
        return s;
    }
}
