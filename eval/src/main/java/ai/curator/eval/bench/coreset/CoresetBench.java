package ai.curator.eval.bench.coreset;

import ai.curator.api.LossOracle;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Rand;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.model.LogisticRegression;
import ai.curator.pipeline.DatasetLoader;
import ai.curator.recipe.DatasetSpec;
import ai.curator.score.LossOracles;
import ai.curator.select.algo.CentroidNearestSelection;
import ai.curator.select.algo.KMeans;
import ai.curator.select.algo.LowRankSensitivity;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.UniformSampling;
import ai.curator.select.algo.WeightedSample;
import ai.curator.tabular.FeatureEmbedder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The credit-card experiment of paper 003 §4.1 (Figure 1): (a) coreset error of the squared-norm
 * loss and (b) held-out accuracy of logistic regression trained on weighted coresets, for uniform,
 * clustering and low-rank sensitivity sampling.
 *
 * <p>What is run, and the choices the paper leaves open:
 *
 * <ul>
 *   <li><b>Data.</b> Every numeric column but the id and the label (the 23 features), z-scored over
 *       all rows before the split, as the paper does (population standard deviation; {@link
 *       FeatureEmbedder#matrix}). Label: the two-valued label column, larger value = 1.
 *   <li><b>Split.</b> Seeded 80/20 train/test split, stratified by label by default (each class
 *       split separately, so both parts keep the 22 % default rate), or plain.
 *   <li><b>(a)</b> D = training rows. Error {@code |Σ_S w‖x‖² − Σ_D ‖x‖²|} and the same divided by
 *       {@code Σ_D ‖x‖²}. Uniform: s draws with replacement, weight N/s. Clustering: k-means++ and
 *       Lloyd with k = s, the member nearest each centroid weighted by its cluster size ({@link
 *       CentroidNearestSelection}); the paper's 300 iterations × 10 restarts is too slow for 100
 *       trials here, so its trials, iterations and restarts are separate options. Low-rank: basis
 *       mode, ℓ(vᵢ) = 1; the scores are computed once (one randomized SVD) and each trial draws s
 *       rows from them.
 *   <li><b>(b)</b> {@link LogisticRegression} (C, balanced class weights, Newton) fitted on all
 *       training rows gives each row's log loss ℓ. Each coreset (distinct rows, weight = count ×
 *       per-copy weight) trains the same model; accuracy is measured on the test rows. Uniform and
 *       clustering coresets are the same draws as in (a). Low-rank basis mode takes ℓ(vᵢ) from the
 *       training row most aligned with vᵢ; landmark mode calls ℓ on leverage-sampled landmarks and
 *       extrapolates by RBF kernel ridge; both with the same k, γ, λ as (a). "full" is the model
 *       fitted on all training rows.
 * </ul>
 *
 * <p>Every draw comes from a stream derived from {@code (seed, method, s, trial)}, so results do not
 * depend on thread scheduling or on which other methods run.
 */
public final class CoresetBench {
    private CoresetBench() {}

    /** Default data path, relative to the repository root. */
    public static final String DEFAULT_DATA =
            "../shared/data/uci_credit_card_default/default_of_credit_card_clients.csv";

    /** Method names as they appear in tables and files. */
    public static final String UNIFORM = "uniform";

    public static final String CLUSTERING = "clustering";
    public static final String LOW_RANK = "low_rank";
    public static final String LOW_RANK_BASIS = "low_rank_basis";
    public static final String LOW_RANK_LANDMARKS = "low_rank_landmarks";
    public static final String FULL = "full";

    /**
     * Options.
     *
     * @param data CSV (or any format curator reads) with an id column, numeric features and a
     *     two-valued label
     * @param idColumn id column, dropped from the features (default {@code ID})
     * @param label label column (default {@code default payment next month})
     * @param sizes coreset sizes s, each ≥ 1 and ≤ the training rows (default 1000…5000)
     * @param trials trials per size for uniform and low-rank, ≥ 1 (default 100)
     * @param clusterTrials trials per size for clustering, ≥ 0 (0 skips it; default 3)
     * @param clusterIterations Lloyd iterations per k-means run, ≥ 1 (default 10; paper 300)
     * @param clusterRestarts k-means++ restarts, best inertia kept, ≥ 1 (default 1; paper 10)
     * @param testFraction held-out share, in (0, 0.5] (default 0.2)
     * @param stratified split each class separately (default true)
     * @param rank k of the low-rank subspace, ≥ 1 (default 5)
     * @param gamma γ ≥ 0 (default 5)
     * @param lambda λ ≥ 0 (default 1)
     * @param landmarkFraction landmark share for landmark mode, in (0, 1] (default 0.2)
     * @param c inverse regularisation of the logistic regression, &gt; 0 (default 1)
     * @param balanceByDraws how a coreset model's balanced class weights are computed: false
     *     (default) from the sample-weighted labels ({@link LogisticRegression}'s rule, Σw per class
     *     equalised); true from the number of draws per class, ignoring the weights — what
     *     scikit-learn's {@code class_weight='balanced'} does when the drawn multiset is passed with
     *     per-copy {@code sample_weight}
     * @param seed the one seed
     * @param out output directory
     */
    public record Options(
            Path data,
            String idColumn,
            String label,
            List<Integer> sizes,
            int trials,
            int clusterTrials,
            int clusterIterations,
            int clusterRestarts,
            double testFraction,
            boolean stratified,
            int rank,
            double gamma,
            double lambda,
            double landmarkFraction,
            double c,
            boolean balanceByDraws,
            long seed,
            Path out) {
        public Options {
            if (data == null) {
                throw new IllegalArgumentException("--data must name the data file");
            }
            if (out == null) {
                throw new IllegalArgumentException("--out must name an output directory");
            }
            if (idColumn == null || idColumn.isBlank() || label == null || label.isBlank()) {
                throw new IllegalArgumentException("--id and --label must name columns of the data");
            }
            if (sizes == null || sizes.isEmpty()) {
                throw new IllegalArgumentException("--sizes must list at least one coreset size");
            }
            sizes = List.copyOf(sizes);
            for (int s : sizes) {
                if (s < 1) {
                    throw new IllegalArgumentException("--sizes must all be >= 1, got " + s);
                }
            }
            if (trials < 1) {
                throw new IllegalArgumentException("--trials must be >= 1, got " + trials);
            }
            if (clusterTrials < 0) {
                throw new IllegalArgumentException(
                        "--cluster-trials must be >= 0 (0 skips clustering), got " + clusterTrials);
            }
            if (clusterIterations < 1) {
                throw new IllegalArgumentException("--cluster-iterations must be >= 1, got " + clusterIterations);
            }
            if (clusterRestarts < 1) {
                throw new IllegalArgumentException("--cluster-restarts must be >= 1, got " + clusterRestarts);
            }
            if (!(testFraction > 0 && testFraction <= 0.5)) {
                throw new IllegalArgumentException("--test-fraction must be in (0, 0.5], got " + testFraction);
            }
            if (rank < 1) {
                throw new IllegalArgumentException("--rank must be >= 1, got " + rank);
            }
            if (!(gamma >= 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("--gamma must be finite and >= 0, got " + gamma);
            }
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("--lambda must be finite and >= 0, got " + lambda);
            }
            if (!(landmarkFraction > 0 && landmarkFraction <= 1)) {
                throw new IllegalArgumentException("--landmark-fraction must be in (0, 1], got " + landmarkFraction);
            }
            if (!(c > 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("--c must be finite and > 0, got " + c);
            }
        }

        /** The defaults, for {@code data} and {@code out}. */
        public static Options defaults(Path data, Path out) {
            return new Options(
                    data,
                    "ID",
                    "default payment next month",
                    List.of(1000, 2000, 3000, 4000, 5000),
                    100,
                    3,
                    10,
                    1,
                    0.2,
                    true,
                    5,
                    5,
                    1,
                    0.2,
                    1,
                    false,
                    42,
                    out);
        }

        /** Smoothing constant of the sensitivity (paper: 1e-6). */
        public double smoothing() {
            return 1e-6;
        }
    }

    /**
     * Per-trial values of one method at one size.
     *
     * @param method method name
     * @param size s
     * @param values one value per trial; NaN for a trial that could not be evaluated
     * @param relative panel (a): error / Σ_D ‖x‖² per trial; empty in panel (b)
     * @param distinct distinct rows of each trial's coreset
     */
    public record Cell(String method, int size, double[] values, double[] relative, int[] distinct) {
        /** Trials with a value. */
        public int n() {
            return (int) Arrays.stream(values).filter(Double::isFinite).count();
        }

        public double mean() {
            return Stats.mean(values);
        }

        public double std() {
            return Stats.std(values);
        }

        public double relativeMean() {
            return Stats.mean(relative);
        }

        public double relativeStd() {
            return Stats.std(relative);
        }

        public double distinctMean() {
            return Arrays.stream(distinct).average().orElse(Double.NaN);
        }
    }

    /**
     * The outcome.
     *
     * @param options options used
     * @param rows rows in the data
     * @param features feature columns used
     * @param trainRows training rows (D)
     * @param testRows held-out rows
     * @param trainPositiveRate share of label 1 in the training rows
     * @param totalSquaredNorm Σ_D ‖x‖²
     * @param error panel (a) cells, method-major
     * @param accuracy panel (b) cells, method-major ({@code full} has one value per size)
     * @param fullAccuracy accuracy of the model fitted on all training rows
     * @param seconds wall time of each phase, by name
     * @param wallSeconds total wall time
     */
    public record Report(
            Options options,
            int rows,
            List<String> features,
            int trainRows,
            int testRows,
            double trainPositiveRate,
            double totalSquaredNorm,
            List<Cell> error,
            List<Cell> accuracy,
            double fullAccuracy,
            java.util.Map<String, Double> seconds,
            double wallSeconds) {}

    /** Runs the benchmark; progress lines go to {@code log}. Writes no files (see {@link CoresetReport}). */
    public static Report run(Options o, PrintStream log) {
        long t0 = System.nanoTime();
        var seconds = new java.util.LinkedHashMap<String, Double>();
        DatasetSpec spec = new DatasetSpec(o.data().toString(), null, o.idColumn(), null, o.label(), null);
        Table table = DatasetLoader.load(spec, o.data());
        List<String> cols = DatasetLoader.featureColumns(spec, table);
        FloatMatrix x = FeatureEmbedder.matrix(table, cols, true);
        int[] y = LossOracles.binaryLabels(table, o.label());
        int n = table.rows();
        int[][] split = split(y, o.testFraction(), o.stratified(), stream(o.seed(), "split", 0, 0));
        int[] train = split[0];
        int[] test = split[1];
        for (int s : o.sizes()) {
            if (s > train.length) {
                throw new RecipeException("--sizes: coreset size " + s + " is larger than the training set ("
                        + train.length + " of " + n + " rows in " + o.data() + "); use sizes <= " + train.length);
            }
        }
        if (o.rank() >= Math.min(train.length, cols.size())) {
            throw new RecipeException("--rank must be < min(training rows, features) = "
                    + Math.min(train.length, cols.size()) + ", got " + o.rank());
        }
        FloatMatrix xtr = x.selectRows(train);
        FloatMatrix xte = x.selectRows(test);
        int[] ytr = pick(y, train);
        int[] yte = pick(y, test);
        double positive = Arrays.stream(ytr).average().orElse(0);
        log.printf(
                java.util.Locale.ROOT,
                "[data] %s: %,d rows, %d features (z-scored); train %,d / test %,d (%s split, seed %d), train positive rate %.3f (%.1f s)%n",
                o.data(),
                n,
                cols.size(),
                train.length,
                test.length,
                o.stratified() ? "stratified" : "plain",
                o.seed(),
                positive,
                secs(t0));
        seconds.put("load", secs(t0));

        int ns = o.sizes().size();
        double[] sq = xtr.rowSquaredNorms();
        double truth = Arrays.stream(sq).sum();

        // Draw every coreset first; panel (a) and (b) use the same uniform and clustering draws.
        long t = System.nanoTime();
        WeightedSample[][] uni = new WeightedSample[ns][o.trials()];
        for (int si = 0; si < ns; si++) {
            int s = o.sizes().get(si);
            int fsi = si;
            IntStream.range(0, o.trials())
                    .parallel()
                    .forEach(tr -> uni[fsi][tr] =
                            UniformSampling.withReplacement(train.length, s, stream(o.seed(), UNIFORM, s, tr)));
        }
        LowRankSensitivity.Options basisOpts = lowRankOptions(o, LowRankSensitivity.LossMode.BASIS);
        double[] ones = new double[o.rank()];
        Arrays.fill(ones, 1.0);
        LowRankSensitivity.Result lrA =
                LowRankSensitivity.score(xtr, null, ones, basisOpts, stream(o.seed(), LOW_RANK, 0, 0));
        WeightedSample[][] lowA = sampleAll(lrA.sensitivity(), o, LOW_RANK);
        seconds.put("uniform + low-rank draws (a)", secs(t));

        t = System.nanoTime();
        WeightedSample[][] clu = new WeightedSample[ns][o.clusterTrials()];
        for (int si = 0; si < ns; si++) {
            int s = o.sizes().get(si);
            long ts = System.nanoTime();
            for (int tr = 0; tr < o.clusterTrials(); tr++) {
                clu[si][tr] = CentroidNearestSelection.select(
                        xtr,
                        new KMeans.Options(s, o.clusterIterations(), 1e-4, o.clusterRestarts()),
                        stream(o.seed(), CLUSTERING, s, tr));
            }
            if (o.clusterTrials() > 0) {
                log.printf(
                        java.util.Locale.ROOT,
                        "[clustering] k = %d: %d trial(s), %.1f s%n",
                        s,
                        o.clusterTrials(),
                        secs(ts));
            }
        }
        seconds.put("clustering draws", secs(t));

        List<Cell> error = new ArrayList<>();
        error.addAll(errorCells(UNIFORM, uni, o, sq, truth));
        if (o.clusterTrials() > 0) {
            error.addAll(errorCells(CLUSTERING, clu, o, sq, truth));
        }
        error.addAll(errorCells(LOW_RANK, lowA, o, sq, truth));
        log.printf(java.util.Locale.ROOT, "[a] coreset error done (%.1f s so far)%n", secs(t0));

        // Panel (b).
        t = System.nanoTime();
        LogisticRegression.Options lro = logisticOptions(o.c(), train.length);
        LogisticRegression full = LogisticRegression.fit(xtr, ytr, null, lro);
        double[] losses = full.logLoss(xtr, ytr);
        double fullAcc = full.accuracy(xte, yte);
        LossOracle oracle = rows -> pick(losses, rows);
        LowRankSensitivity.Result lrB =
                LowRankSensitivity.score(xtr, oracle, null, basisOpts, stream(o.seed(), LOW_RANK_BASIS, 0, 0));
        LowRankSensitivity.Result lrL = LowRankSensitivity.score(
                xtr,
                oracle,
                null,
                lowRankOptions(o, LowRankSensitivity.LossMode.LANDMARKS),
                stream(o.seed(), LOW_RANK_LANDMARKS, 0, 0));
        WeightedSample[][] lowB = sampleAll(lrB.sensitivity(), o, LOW_RANK_BASIS);
        WeightedSample[][] lowL = sampleAll(lrL.sensitivity(), o, LOW_RANK_LANDMARKS);
        seconds.put("full model + low-rank scores (b)", secs(t));
        log.printf(
                java.util.Locale.ROOT,
                "[b] full model: test accuracy %.4f; low-rank basis xi %.3f, landmarks m = %d xi %.3f%n",
                fullAcc,
                lrB.xi(),
                lrL.oracleRows().length,
                lrL.xi());

        t = System.nanoTime();
        List<Cell> acc = new ArrayList<>();
        acc.addAll(accuracyCells(UNIFORM, uni, o, xtr, ytr, xte, yte, lro));
        if (o.clusterTrials() > 0) {
            acc.addAll(accuracyCells(CLUSTERING, clu, o, xtr, ytr, xte, yte, lro));
        }
        acc.addAll(accuracyCells(LOW_RANK_BASIS, lowB, o, xtr, ytr, xte, yte, lro));
        acc.addAll(accuracyCells(LOW_RANK_LANDMARKS, lowL, o, xtr, ytr, xte, yte, lro));
        for (int s : o.sizes()) {
            acc.add(new Cell(FULL, s, new double[] {fullAcc}, new double[0], new int[] {train.length}));
        }
        seconds.put("coreset model fits (b)", secs(t));
        double wall = secs(t0);
        log.printf(java.util.Locale.ROOT, "[b] accuracy done; wall time %.1f s%n", wall);
        return new Report(o, n, cols, train.length, test.length, positive, truth, error, acc, fullAcc, seconds, wall);
    }

    /**
     * C, balanced class weights, ≤ 100 Newton steps, and a gradient tolerance relative to the total
     * sample weight ({@code 1e-8 · Σw}): the objective sums ~Σw terms, and an absolute 1e-8 lies
     * below its rounding noise for Σw ≈ 24,000, so Newton then runs to its cap with long line searches
     * (~100× slower, same predictions).
     */
    static LogisticRegression.Options logisticOptions(double c, double totalWeight) {
        return new LogisticRegression.Options(c, true, 100, 1e-8 * Math.max(1.0, totalWeight));
    }

    static LowRankSensitivity.Options lowRankOptions(Options o, LowRankSensitivity.LossMode mode) {
        return new LowRankSensitivity.Options(
                o.rank(),
                mode,
                o.gamma(),
                o.lambda(),
                o.smoothing(),
                o.landmarkFraction(),
                Double.NaN,
                RandomizedSvd.Options.ofRank(o.rank()),
                KernelRidgeRegression.Options.defaults());
    }

    private static WeightedSample[][] sampleAll(double[] sigma, Options o, String method) {
        WeightedSample[][] out = new WeightedSample[o.sizes().size()][o.trials()];
        for (int si = 0; si < out.length; si++) {
            int s = o.sizes().get(si);
            int fsi = si;
            IntStream.range(0, o.trials())
                    .parallel()
                    .forEach(
                            tr -> out[fsi][tr] = SensitivitySampling.sample(sigma, s, stream(o.seed(), method, s, tr)));
        }
        return out;
    }

    private static List<Cell> errorCells(
            String method, WeightedSample[][] draws, Options o, double[] sq, double truth) {
        List<Cell> cells = new ArrayList<>();
        for (int si = 0; si < draws.length; si++) {
            int m = draws[si].length;
            double[] err = new double[m];
            double[] rel = new double[m];
            int[] distinct = new int[m];
            for (int tr = 0; tr < m; tr++) {
                err[tr] = Math.abs(draws[si][tr].estimateSum(sq) - truth);
                rel[tr] = err[tr] / truth;
                distinct[tr] = draws[si][tr].size();
            }
            cells.add(new Cell(method, o.sizes().get(si), err, rel, distinct));
        }
        return cells;
    }

    private static List<Cell> accuracyCells(
            String method,
            WeightedSample[][] draws,
            Options o,
            FloatMatrix xtr,
            int[] ytr,
            FloatMatrix xte,
            int[] yte,
            LogisticRegression.Options lro) {
        List<Cell> cells = new ArrayList<>();
        for (int si = 0; si < draws.length; si++) {
            WeightedSample[] d = draws[si];
            double[] acc = new double[d.length];
            int[] distinct = new int[d.length];
            IntStream.range(0, d.length).parallel().forEach(tr -> {
                acc[tr] = accuracy(d[tr], xtr, ytr, xte, yte, lro, o.balanceByDraws());
                distinct[tr] = d[tr].size();
            });
            cells.add(new Cell(method, o.sizes().get(si), acc, new double[0], distinct));
        }
        return cells;
    }

    /** Test accuracy of the model fitted on a weighted coreset; NaN if the coreset holds one class. */
    static double accuracy(
            WeightedSample ws,
            FloatMatrix xtr,
            int[] ytr,
            FloatMatrix xte,
            int[] yte,
            LogisticRegression.Options lro,
            boolean balanceByDraws) {
        int[] ys = pick(ytr, ws.rows());
        int ones = Arrays.stream(ys).sum();
        if (ones == 0 || ones == ys.length) {
            return Double.NaN;
        }
        double[] w = ws.weights().clone();
        boolean balanced = true;
        if (balanceByDraws) {
            // scikit-learn: class weight n / (2·n_y) from the labels passed to fit (here the s draws),
            // multiplied into the sample weights.
            double[] drawsPerClass = new double[2];
            for (int j = 0; j < ys.length; j++) {
                drawsPerClass[ys[j]] += ws.counts()[j];
            }
            double draws = drawsPerClass[0] + drawsPerClass[1];
            for (int j = 0; j < w.length; j++) {
                w[j] *= draws / (2 * drawsPerClass[ys[j]]);
            }
            balanced = false;
        }
        double total = Arrays.stream(w).sum();
        LogisticRegression.Options fo = new LogisticRegression.Options(
                lro.c(),
                balanced,
                lro.maxIter(),
                logisticOptions(lro.c(), total).tol());
        LogisticRegression m = LogisticRegression.fit(xtr.selectRows(ws.rows()), ys, w, fo);
        return m.accuracy(xte, yte);
    }

    /**
     * Seeded train/test split: {@code [train, test]}, each ascending. Stratified: each label's rows
     * are shuffled and {@code round(fraction · n_label)} of them go to the test set; plain: the same
     * over all rows.
     */
    static int[][] split(int[] y, double testFraction, boolean stratified, SplittableRandom rnd) {
        List<int[]> groups = new ArrayList<>();
        if (stratified) {
            for (int label = 0; label <= 1; label++) {
                int fl = label;
                groups.add(IntStream.range(0, y.length).filter(i -> y[i] == fl).toArray());
            }
        } else {
            groups.add(IntStream.range(0, y.length).toArray());
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int[] g : groups) {
            int[] perm = Rand.permutation(g.length, rnd);
            int nTest = (int) Math.round(testFraction * g.length);
            for (int j = 0; j < g.length; j++) {
                (j < nTest ? test : train).add(g[perm[j]]);
            }
        }
        return new int[][] {
            train.stream().mapToInt(Integer::intValue).sorted().toArray(),
            test.stream().mapToInt(Integer::intValue).sorted().toArray()
        };
    }

    /** An independent stream for (seed, method, size, trial). */
    static SplittableRandom stream(long seed, String method, int size, int trial) {
        long h = mix(seed);
        h = mix(h ^ method.hashCode());
        h = mix(h ^ size);
        h = mix(h ^ trial);
        return new SplittableRandom(h);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int[] pick(int[] v, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }

    private static double[] pick(double[] v, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Mean and sample standard deviation over the finite values. */
    static final class Stats {
        private Stats() {}

        static double mean(double[] v) {
            return Arrays.stream(v).filter(Double::isFinite).average().orElse(Double.NaN);
        }

        static double std(double[] v) {
            double[] f = Arrays.stream(v).filter(Double::isFinite).toArray();
            if (f.length < 2) {
                return f.length == 1 ? 0 : Double.NaN;
            }
            double m = mean(f);
            double s = 0;
            for (double x : f) {
                s += (x - m) * (x - m);
            }
            return Math.sqrt(s / (f.length - 1));
        }
    }
}
