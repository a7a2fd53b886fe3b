package ai.curator.eval.bench.tabular;

import ai.curator.eval.metrics.Metrics;
import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.learn.select.algo.Warmup;
import ai.curator.linalg.FloatMatrix;
import ai.curator.tabular.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Picks asss's λ (sparsity weight) and β (entropy weight) on validation data carved out of the
 * training fold — never on the test fold. The paper tunes λ "via validation" without saying how;
 * this is our protocol ({@code asss_tuned} in the benchmark):
 *
 * <ol>
 *   <li>optionally ({@code maxRows} &gt; 0, for big data) shrink the training fold first to a
 *       stratified sample of {@code maxRows} rows (class quotas as {@code uniform_stratified}), drawn
 *       from the training fold only;
 *   <li>hold out a stratified share ({@code validation}, default 20 %) of the training fold: every
 *       class with at least two rows gives round(share · N_c) of them, at least one, and keeps at
 *       least one in the inner training part;
 *   <li>one warm-up on the inner training part (its proxies feed the selector, as in the benchmark);
 *   <li>for each (λ, β) of the grid: asss on the inner training part at the same budget ratio, with
 *       the same selector seed for every grid point (paired), the task MLP trained on its weighted
 *       subset exactly as the benchmark trains every subset, and its macro-F1 on the held-out part;
 *   <li>the best validation macro-F1 wins; ties go to the earlier grid point (grid order: λ outer,
 *       β inner, as given).
 * </ol>
 *
 * The features stay standardised with the whole training fold's statistics: those use no test
 * rows, and re-fitting them on the inner part would change little for the cost of a copy.
 */
public final class AsssTuning {
    private AsssTuning() {}

    /**
     * One grid point.
     *
     * @param lambda λ
     * @param beta β
     * @param validationF1 macro-F1 on the held-out part of the model trained on this point's subset
     * @param validationAccuracy accuracy on the held-out part
     */
    public record Trial(double lambda, double beta, double validationF1, double validationAccuracy)
            implements java.io.Serializable {}

    /**
     * The pick and how it was made.
     *
     * @param lambda picked λ
     * @param beta picked β
     * @param innerRows rows of the inner training part
     * @param validationRows rows held out
     * @param trials every grid point, in grid order
     * @param seconds wall time of the whole search (warm-up included)
     */
    public record Tuning(
            double lambda, double beta, int innerRows, int validationRows, List<Trial> trials, double seconds)
            implements java.io.Serializable {}

    /**
     * Searches the grid on the training fold {@code (x, y)}.
     *
     * @param x the training fold's (standardised) features
     * @param y its labels
     * @param classes number of classes
     * @param budget ratio kept, as in the benchmark
     * @param lambdas λ grid (non-empty, each ≥ 0)
     * @param betas β grid (non-empty, each ≥ 0)
     * @param validation held-out share, in (0, 0.5]
     * @param maxRows search on a stratified sample of at most this many training-fold rows (0: all)
     * @param params asss's parameters for a given (λ, β)
     * @param mlp the task MLP options (as for every subset)
     * @param warmupEpochs warm-up epochs
     * @param seed seed of the split, selector and MLP draws
     */
    public static Tuning tune(
            FloatMatrix x,
            int[] y,
            int classes,
            double budget,
            List<Double> lambdas,
            List<Double> betas,
            double validation,
            int maxRows,
            BiFunction<Double, Double, Asss.Params> params,
            MlpClassifier.Options mlp,
            int warmupEpochs,
            long seed) {
        long t0 = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        if (maxRows > 0 && maxRows < y.length) {
            int[] rows = Baselines.uniformStratified(y, classes, maxRows, rnd).rows();
            x = x.selectRows(rows);
            y = TabularBench.pick(y, rows);
        }
        int[][] parts = holdOut(y, classes, validation, rnd);
        int[] inner = parts[0];
        int[] val = parts[1];
        FloatMatrix xIn = x.selectRows(inner);
        int[] yIn = TabularBench.pick(y, inner);
        FloatMatrix xVal = x.selectRows(val);
        int[] yVal = TabularBench.pick(y, val);
        int nIn = inner.length;
        int mIn = TabularBench.budgetRows(nIn, budget);
        Warmup warm = Warmup.run(xIn, yIn, classes, mlp, warmupEpochs, rnd.nextLong());
        long selectorSeed = rnd.nextLong();
        long mlpSeed = rnd.nextLong();
        List<Trial> trials = new ArrayList<>();
        Trial best = null;
        for (double lambda : lambdas) {
            for (double beta : betas) {
                Asss.Result r = Asss.run(xIn, yIn, classes, mIn, params.apply(lambda, beta), selectorSeed, warm);
                Baselines.Picked picked = Baselines.Picked.equal(r.top().rows(), nIn / (double) mIn);
                Metrics m;
                try (MlpClassifier model =
                        MlpClassifier.fit(xIn, yIn, classes, picked.rows(), picked.weights(), mlp, mlpSeed)) {
                    m = Metrics.of(model.probabilities(xVal), yVal, classes);
                }
                Trial t = new Trial(lambda, beta, m.macroF1(), m.accuracy());
                trials.add(t);
                if (best == null || Double.isNaN(best.validationF1()) || t.validationF1() > best.validationF1()) {
                    best = t;
                }
            }
        }
        return new Tuning(
                best.lambda(), best.beta(), nIn, val.length, List.copyOf(trials), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A stratified hold-out: rows {inner, held out}, each ascending. Class c with N_c ≥ 2 rows gives
     * min(N_c − 1, max(1, round(share · N_c))) rows; a class of one row stays inner.
     */
    static int[][] holdOut(int[] y, int classes, double share, SplittableRandom rnd) {
        if (!(share > 0 && share <= 0.5)) {
            throw new IllegalArgumentException("tuning validation share must be in (0, 0.5], got " + share);
        }
        return Labels.holdOut(y, classes, share, rnd);
    }
}
