package ai.curator.eval.bench.tabular;

import ai.curator.api.DataException;
import ai.curator.eval.metrics.Metrics;
import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.learn.select.algo.AsssBilevel;
import ai.curator.learn.select.algo.Trace;
import ai.curator.learn.select.algo.Warmup;
import ai.curator.linalg.FloatMatrix;
import ai.curator.tabular.Labels;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The tabular retention benchmark (paper 000 §4). For each of {@code repeats × folds} stratified
 * splits (identical for every method): standardise the features with the training fold's mean and
 * standard deviation, select a subset of the training fold with each method at the budget ratio,
 * train the same 3-layer MLP (same seed) on the weighted subset, and score the test fold. PRR =
 * metric of the subset model / metric of the model trained on the whole training fold ({@code
 * full}), per split, then mean ± std over splits.
 *
 * <p>Methods: {@code full}, {@code full_balanced} (every training row, classes weighted equally:
 * the class-reweighting reference for the class-balanced subsets, not a selection), {@code uniform}, {@code uniform_stratified} (class quotas as the
 * stratified ASSS variants, rows uniform within a class: their control), {@code k_means} and {@code
 * nn_thinning} (the scaled variants of {@link Baselines}), {@code low_rank} (basis mode, warm-up loss
 * as oracle), {@code asss} (λ, β as configured), {@code asss_tuned} (λ, β picked per split on a
 * validation part of the training fold, {@link AsssTuning}), {@code asss_bilevel} (class-stratified
 * top-M by p), {@code asss_bilevel_sampled} (each class's quota drawn ∝ p), {@code
 * asss_bilevel_balanced} (selector scored by the class-balanced held-out loss, class quotas from its
 * p, drawn ∝ p) and {@code uniform_balanced} (equal class quotas, capped at class size, rows uniform
 * within a class: the learning-free control of the class-balanced variant). One warm-up per split
 * is shared by the methods that need it; its time is counted in each of their selection times.
 */
public final class TabularBench {
    private TabularBench() {}

    /** Every method, in report order. */
    public static final List<String> METHODS = List.of(
            "full",
            "full_balanced",
            "uniform",
            "uniform_stratified",
            "uniform_balanced",
            "k_means",
            "nn_thinning",
            "low_rank",
            "asss",
            "asss_tuned",
            "asss_bilevel",
            "asss_bilevel_sampled",
            "asss_bilevel_balanced",
            "asss_bilevel_equal");

    /**
     * Settings.
     *
     * @param folds k ≥ 2
     * @param repeats ≥ 1
     * @param budget ratio of the training fold kept, in (0, 1]
     * @param seed the one seed
     * @param methods methods to run ({@code full} is always run: it is the PRR reference)
     * @param mlp the task MLP
     * @param warmupEpochs warm-up epochs for asss, asss_bilevel, low_rank
     * @param asssEpochs selector epochs of asss and asss_bilevel
     * @param lambda asss λ
     * @param beta asss β
     * @param kmeansClusters clusters of the k_means variant
     * @param thinningPart rows per partition of nn_thinning
     * @param maxSplits run only the first this many splits (0: all) — for time-limited runs on big
     *     data; the folds stay those of the full k-fold partition
     * @param tuneLambdas asss_tuned's λ grid (non-empty, each ≥ 0)
     * @param tuneBetas asss_tuned's β grid (non-empty, each ≥ 0)
     * @param tuneValidation share of the training fold asss_tuned holds out to pick λ, β, in (0, 0.5]
     * @param tuneMaxRows asss_tuned searches on a stratified sample of at most this many rows of the
     *     training fold (0: the whole fold) — for big data
     * @param workers processes the splits are spread over (≥ 1; 1: all in this JVM). Each split is
     *     seeded on its own, so the rows are the same for any number of workers ({@link SplitWorkers})
     */
    public record Config(
            int folds,
            int repeats,
            double budget,
            long seed,
            List<String> methods,
            MlpClassifier.Options mlp,
            int warmupEpochs,
            int asssEpochs,
            double lambda,
            double beta,
            int kmeansClusters,
            int thinningPart,
            int maxSplits,
            List<Double> tuneLambdas,
            List<Double> tuneBetas,
            double tuneValidation,
            int tuneMaxRows,
            int workers)
            implements Serializable {
        public Config {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            if (tuneMaxRows < 0) {
                throw new IllegalArgumentException("tune max rows must be >= 0 (0: all rows), got " + tuneMaxRows);
            }
            tuneLambdas = List.copyOf(tuneLambdas);
            tuneBetas = List.copyOf(tuneBetas);
            grid("tune lambda", tuneLambdas);
            grid("tune beta", tuneBetas);
            if (!(tuneValidation > 0 && tuneValidation <= 0.5)) {
                throw new IllegalArgumentException("tune validation share must be in (0, 0.5], got " + tuneValidation);
            }
            if (maxSplits < 0) {
                throw new IllegalArgumentException("max splits must be >= 0, got " + maxSplits);
            }
            if (!(budget > 0 && budget <= 1)) {
                throw new IllegalArgumentException("budget must be a ratio in (0, 1], got " + budget);
            }
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new IllegalArgumentException("Unknown method '" + m + "'; methods are " + METHODS);
                }
            }
            List<String> ms = new ArrayList<>(List.of("full"));
            for (String m : METHODS) {
                if (!m.equals("full") && methods.contains(m)) {
                    ms.add(m);
                }
            }
            methods = List.copyOf(ms);
            if (warmupEpochs < 1 || asssEpochs < 1 || kmeansClusters < 1 || thinningPart < 2) {
                throw new IllegalArgumentException(
                        "warmup_epochs, asss_epochs, kmeans_clusters must be >= 1 and thinning_part >= 2");
            }
        }
    }

    private static void grid(String name, List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(name + " grid must list at least one value");
        }
        for (double v : values) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(name + " grid values must be finite and >= 0, got " + v);
            }
        }
    }

    /**
     * One method on one split.
     *
     * @param repeat repeat
     * @param fold fold
     * @param method method
     * @param kept distinct training rows kept
     * @param metrics test metrics
     * @param full the full model's test metrics on this split
     * @param selectSeconds selection wall time (warm-up included where used)
     * @param trainSeconds subset training wall time
     * @param fullTrainSeconds full training wall time on this split
     * @param epochs epochs trained before early stopping
     * @param tuning asss_tuned's search on this split (null for the other methods)
     */
    public record Row(
            int repeat,
            int fold,
            String method,
            int kept,
            Metrics metrics,
            Metrics full,
            double selectSeconds,
            double trainSeconds,
            double fullTrainSeconds,
            int epochs,
            AsssTuning.Tuning tuning)
            implements Serializable {
        public double prrAccuracy() {
            return metrics.accuracy() / full.accuracy();
        }

        public double prrF1() {
            return metrics.macroF1() / full.macroF1();
        }

        public double prrAuc() {
            return metrics.macroAuc() / full.macroAuc();
        }
    }

    /**
     * Result.
     *
     * @param rows every (split, method)
     * @param traces selector traces of the first split, by method (asss, asss_bilevel)
     * @param trainRows training-fold rows of the first split
     * @param budgetRows rows kept of the first split's training fold
     * @param seconds total wall time
     * @param warnings notes for the report (sparse classes, …)
     */
    public record Result(
            List<Row> rows,
            Map<String, Trace> traces,
            int trainRows,
            int budgetRows,
            double seconds,
            List<String> warnings) {}

    /** Runs the benchmark on {@code data}. */
    public static Result run(TabularData data, Config c, Consumer<String> log) {
        long t0 = System.nanoTime();
        int classes = data.classCount();
        List<String> warnings = new ArrayList<>();
        List<Integer> sparse = Folds.sparseClasses(data.y(), classes, c.folds());
        if (!sparse.isEmpty()) {
            List<String> names = new ArrayList<>();
            int[] counts = Labels.counts(data.y(), classes);
            for (int k : sparse) {
                names.add(data.classes().get(k) + " (" + counts[k] + " rows)");
            }
            String w = "classes with fewer rows than folds (" + c.folds() + "): " + names
                    + "; they appear in only some test folds (macro metrics average over the classes present)";
            warnings.add(w);
            log.accept("warning: " + w);
        }
        List<Folds.Split> splits = splits(data, c);
        if (c.maxSplits() > 0 && c.maxSplits() < splits.size()) {
            String w = "ran " + c.maxSplits() + " of the " + splits.size()
                    + " splits (--splits), to fit the time available";
            warnings.add(w);
            log.accept("note: " + w);
            splits = splits.subList(0, c.maxSplits());
        }
        for (Folds.Split s : splits) {
            int m = budgetRows(s.train().length, c.budget());
            int present = present(data.y(), s.train(), classes);
            if (m < present) {
                throw new DataException(String.format(
                        "Budget %s keeps %d rows of a %d-row training fold, fewer than the %d classes in it: the stratified floor "
                                + "(one row per class, which asss and asss_bilevel apply) cannot hold; raise --budget to at least %.4f",
                        c.budget(), m, s.train().length, present, present / (double) s.train().length));
            }
        }
        int firstTrain = splits.get(0).train().length;
        List<SplitResult> parts = c.workers() > 1 && splits.size() > 1
                ? SplitWorkers.run(data, c, splits, log)
                : runSplits(data, c, splits, IntStream.range(0, splits.size()).toArray(), log);
        List<Row> rows = new ArrayList<>();
        Map<String, Trace> traces = new LinkedHashMap<>();
        for (SplitResult part : parts) {
            rows.addAll(part.rows());
            part.traces().forEach(traces::putIfAbsent);
        }
        return new Result(
                rows, traces, firstTrain, budgetRows(firstTrain, c.budget()), (System.nanoTime() - t0) / 1e9, warnings);
    }

    /** The splits of {@code data} under {@code c} (the same for every worker), before {@code --splits} cuts them. */
    static List<Folds.Split> splits(TabularData data, Config c) {
        return Folds.stratified(data.y(), data.classCount(), c.folds(), c.repeats(), c.seed());
    }

    /**
     * Every method on the splits {@code which} (indices into {@code splits}), in this JVM.
     *
     * @param index the split's index among all splits run
     * @param rows every method's row on that split, in method order
     * @param traces selector traces on that split, by method
     */
    record SplitResult(int index, List<Row> rows, Map<String, Trace> traces) implements Serializable {}

    static List<SplitResult> runSplits(
            TabularData data, Config c, List<Folds.Split> splits, int[] which, Consumer<String> log) {
        List<SplitResult> out = new ArrayList<>();
        for (int i : which) {
            out.add(runSplit(data, c, i, splits.get(i), log));
        }
        return out;
    }

    private static SplitResult runSplit(TabularData data, Config c, int index, Folds.Split s, Consumer<String> log) {
        int classes = data.classCount();
        List<Row> rows = new ArrayList<>();
        Map<String, Trace> traces = new LinkedHashMap<>();
        long splitSeed = new SplittableRandom(c.seed() * 1_000_003L + s.repeat() * 101L + s.fold()).nextLong();
        FloatMatrix[] std = standardise(data.x(), s.train(), s.test());
        FloatMatrix xTr = std[0];
        FloatMatrix xTe = std[1];
        int[] yTr = pick(data.y(), s.train());
        int[] yTe = pick(data.y(), s.test());
        int n = yTr.length;
        int m = budgetRows(n, c.budget());
        long mlpSeed = splitSeed ^ 0x9E3779B97F4A7C15L;
        int[] all = IntStream.range(0, n).toArray();
        long tf = System.nanoTime();
        Metrics full;
        int fullEpochs;
        try (MlpClassifier model = MlpClassifier.fit(xTr, yTr, classes, all, null, c.mlp(), mlpSeed)) {
            double fullSeconds0 = (System.nanoTime() - tf) / 1e9;
            full = Metrics.of(model.probabilities(xTe), yTe, classes);
            fullEpochs = model.epochsRun();
            rows.add(new Row(
                    s.repeat(), s.fold(), "full", n, full, full, 0, fullSeconds0, fullSeconds0, fullEpochs, null));
        }
        double fullSeconds = rows.get(rows.size() - 1).trainSeconds();
        log.accept(String.format(
                "[r%d f%d] full: %d rows, acc %.4f, F1 %.4f, AUC %.4f (%.1f s, %d epochs)",
                s.repeat(), s.fold(), n, full.accuracy(), full.macroF1(), full.macroAuc(), fullSeconds, fullEpochs));
        Warmup warm = null;
        for (String method : c.methods()) {
            if (method.equals("full")) {
                continue;
            }
            SplittableRandom rnd = new SplittableRandom(splitSeed + method.hashCode());
            long ts = System.nanoTime();
            double warmSeconds = 0;
            if (method.equals("low_rank") || method.startsWith("asss")) {
                if (warm == null) {
                    warm = Warmup.run(xTr, yTr, classes, c.mlp(), c.warmupEpochs(), splitSeed ^ 0x1234L);
                } else {
                    warmSeconds = warm.seconds(); // computed once per split; charged to every method using it
                }
            }
            Baselines.Picked picked;
            AsssTuning.Tuning tuning = null;
            switch (method) {
                case "full_balanced" -> picked = Baselines.fullBalanced(yTr, classes);
                case "uniform" -> picked = Baselines.uniform(n, m, rnd);
                case "uniform_stratified" -> picked = Baselines.uniformStratified(yTr, classes, m, rnd);
                case "uniform_balanced" -> picked = Baselines.uniformBalanced(yTr, classes, m, rnd);
                case "k_means" -> picked = Baselines.kMeans(xTr, m, c.kmeansClusters(), 20_000, rnd);
                case "nn_thinning" -> picked = Baselines.nnThinning(xTr, m, c.thinningPart(), rnd);
                case "low_rank" -> picked = Baselines.lowRank(xTr, warm.loss(), m, rnd);
                case "asss" -> {
                    Asss.Result r = Asss.run(xTr, yTr, classes, m, asssParams(c), rnd.nextLong(), warm);
                    picked = Baselines.Picked.equal(r.top().rows(), n / (double) m);
                    traces.putIfAbsent("asss", r.trace());
                }
                case "asss_tuned" -> {
                    tuning = AsssTuning.tune(
                            xTr,
                            yTr,
                            classes,
                            c.budget(),
                            c.tuneLambdas(),
                            c.tuneBetas(),
                            c.tuneValidation(),
                            c.tuneMaxRows(),
                            (l, b) -> asssParams(c, l, b),
                            c.mlp(),
                            c.warmupEpochs(),
                            rnd.nextLong());
                    // asss's own selector seed: with the default (λ, β) picked, asss_tuned's subset is asss's
                    long asssSeed = new SplittableRandom(splitSeed + "asss".hashCode()).nextLong();
                    Asss.Result r = Asss.run(
                            xTr, yTr, classes, m, asssParams(c, tuning.lambda(), tuning.beta()), asssSeed, warm);
                    picked = Baselines.Picked.equal(r.top().rows(), n / (double) m);
                    traces.putIfAbsent("asss_tuned", r.trace());
                    log.accept(String.format(
                            "[r%d f%d] asss_tuned: picked lambda %s, beta %s on %d validation rows (%.1f s); %s",
                            s.repeat(),
                            s.fold(),
                            tuning.lambda(),
                            tuning.beta(),
                            tuning.validationRows(),
                            tuning.seconds(),
                            tuning.trials()));
                }
                case "asss_bilevel", "asss_bilevel_sampled", "asss_bilevel_balanced", "asss_bilevel_equal" -> {
                    AsssBilevel.Params bp =
                            switch (method) {
                                case "asss_bilevel" -> bilevelParams(c, false, false, AsssBilevel.Quota.PROPORTIONAL);
                                case "asss_bilevel_sampled" -> bilevelParams(
                                        c, true, false, AsssBilevel.Quota.PROPORTIONAL);
                                case "asss_bilevel_balanced" -> bilevelParams(c, true, true, AsssBilevel.Quota.LEARNED);
                                default -> bilevelParams(c, true, false, AsssBilevel.Quota.EQUAL); // asss_bilevel_equal
                            };
                    Asss.Result r = AsssBilevel.run(xTr, yTr, classes, m, bp, rnd.nextLong(), warm);
                    picked = Baselines.Picked.equal(r.top().rows(), n / (double) m);
                    traces.putIfAbsent(method, r.trace());
                }
                default -> throw new IllegalStateException(method);
            }
            double selectSeconds = (System.nanoTime() - ts) / 1e9 + warmSeconds;
            long tt = System.nanoTime();
            try (MlpClassifier model =
                    MlpClassifier.fit(xTr, yTr, classes, picked.rows(), picked.weights(), c.mlp(), mlpSeed)) {
                double trainSeconds = (System.nanoTime() - tt) / 1e9;
                Metrics mt = Metrics.of(model.probabilities(xTe), yTe, classes);
                Row row = new Row(
                        s.repeat(),
                        s.fold(),
                        method,
                        picked.rows().length,
                        mt,
                        full,
                        selectSeconds,
                        trainSeconds,
                        fullSeconds,
                        model.epochsRun(),
                        tuning);
                rows.add(row);
                log.accept(String.format(
                        "[r%d f%d] %s: %d rows, acc %.4f, F1 %.4f (PRR %.3f), AUC %.4f (PRR %.3f); select %.1f s, train %.1f s",
                        s.repeat(),
                        s.fold(),
                        method,
                        row.kept(),
                        mt.accuracy(),
                        mt.macroF1(),
                        row.prrF1(),
                        mt.macroAuc(),
                        row.prrAuc(),
                        selectSeconds,
                        trainSeconds));
            }
        }
        return new SplitResult(index, rows, traces);
    }

    static Asss.Params asssParams(Config c) {
        return asssParams(c, c.lambda(), c.beta());
    }

    static Asss.Params asssParams(Config c, double lambda, double beta) {
        MlpClassifier.Options t = c.mlp();
        return new Asss.Params(
                lambda,
                beta,
                c.asssEpochs(),
                t.batchSize(),
                1e-3,
                1e-4,
                1.0,
                0.1,
                1.0,
                0.9,
                new int[] {64, 32},
                c.warmupEpochs(),
                t);
    }

    /**
     * asss_bilevel's parameters: {@code sample} draws each class's quota ∝ p; {@code balanced} scores
     * the selector by the class-balanced held-out loss and takes the class quotas from its p ({@code
     * asss_bilevel_balanced}, which also samples).
     */
    static AsssBilevel.Params bilevelParams(
            Config c, boolean sample, boolean classBalancedLoss, AsssBilevel.Quota quota) {
        MlpClassifier.Options t = c.mlp();
        return new AsssBilevel.Params(
                c.asssEpochs(),
                t.batchSize(),
                1e-3,
                1e-3,
                1.0,
                1.0,
                0.2,
                1.0,
                new int[] {64, 32},
                c.warmupEpochs(),
                t,
                sample,
                classBalancedLoss,
                quota);
    }

    /** round(ratio · n), at least 1. */
    static int budgetRows(int n, double ratio) {
        return (int) Math.max(1, Math.min(n, Math.round(ratio * n)));
    }

    private static int present(int[] y, int[] rows, int classes) {
        boolean[] seen = new boolean[classes];
        int k = 0;
        for (int r : rows) {
            if (!seen[y[r]]) {
                seen[y[r]] = true;
                k++;
            }
        }
        return k;
    }

    static int[] pick(int[] y, int[] rows) {
        int[] out = new int[rows.length];
        for (int j = 0; j < rows.length; j++) {
            out[j] = y[rows[j]];
        }
        return out;
    }

    /** Training and test rows, z-scored with the training rows' mean and population sd (sd 0 → 0). */
    static FloatMatrix[] standardise(FloatMatrix x, int[] train, int[] test) {
        int d = x.cols();
        double[] mean = new double[d];
        double[] m2 = new double[d];
        long k = 0;
        for (int r : train) {
            k++;
            for (int j = 0; j < d; j++) {
                double v = x.get(r, j);
                double delta = v - mean[j];
                mean[j] += delta / k;
                m2[j] += delta * (v - mean[j]);
            }
        }
        double[] sd = new double[d];
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(m2[j] / k);
        }
        return new FloatMatrix[] {apply(x, train, mean, sd), apply(x, test, mean, sd)};
    }

    private static FloatMatrix apply(FloatMatrix x, int[] rows, double[] mean, double[] sd) {
        int d = x.cols();
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) (sd[j] > 0 ? (x.get(rows[i], j) - mean[j]) / sd[j] : 0.0);
            }
        }
        return new FloatMatrix(rows.length, d, out);
    }
}
