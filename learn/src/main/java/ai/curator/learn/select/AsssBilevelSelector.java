package ai.curator.learn.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.learn.select.algo.AsssBilevel;
import ai.curator.linalg.FloatMatrix;
import ai.curator.tabular.Labels;
import java.util.List;

/**
 * {@code select: asss_bilevel} — our sound variant of ASSS ({@link AsssBilevel}): the selector is
 * scored by the task network's unweighted loss on a held-out batch after a one-step look-ahead
 * update on the selector-weighted batch, with the mean weight pinned to the budget. Same inputs,
 * records and plots as {@link AsssSelector}. Output: per class, its top rows by p or a draw ∝ p
 * ({@code draw}), class quotas in proportion to class sizes or learned ({@code class_quota}), at
 * least one row per class; weight N/M. With {@code held_out_loss: class_balanced, class_quota:
 * learned} the selector decides the subset's class mix for macro-averaged metrics.
 */
public final class AsssBilevelSelector implements Stage {

    /**
     * Options of {@code select: asss_bilevel}.
     *
     * @param budget rows kept (count or ratio); required
     * @param epochs passes over the training pool ≥ 1; default 3
     * @param batchSize minibatch ≥ 1; default 256
     * @param taskLr task Adam lr &gt; 0; default 1e-3
     * @param selectorLr selector Adam lr &gt; 0; default 1e-3
     * @param lookaheadLr look-ahead SGD step &gt; 0; default 1.0 (the weights w sum to 1)
     * @param pin μ ≥ 0 of (mean p − budget ratio)²; default 1.0
     * @param heldOutFraction rows in the held-out pool, in (0, 0.5]; default 0.2
     * @param clip element-wise selector gradient clip &gt; 0; default 1.0
     * @param selectorHidden selector hidden widths; default [64, 32]
     * @param taskHidden task MLP hidden widths (two); default [128, 64]
     * @param warmupEpochs warm-up epochs ≥ 1; default 2
     * @param draw {@code top} (each class's quota: its top rows by p; default) or {@code sample} (drawn
     *     without replacement with probability ∝ p, keeping the class's coverage)
     * @param heldOutLoss {@code mean} (the held-out cross-entropy averaged over rows; default) or {@code
     *     class_balanced} (averaged over classes: a stratified held-out part, each held-out row drawn
     *     from a class chosen uniformly — the surrogate of macro-F1 / macro AUC)
     * @param classQuota {@code proportional} (each class keeps its share of the rows; default) or
     *     {@code learned} (each class's share of the budget ∝ the sum of its rows' p, capped at the
     *     class's size; at least one row per class) or {@code equal} (every class the same share, a class
     *     smaller than its share kept whole and the rest shared: the flat class mix of the benchmark's
     *     {@code uniform_balanced})
     * @param column the score column written: every row's final selection probability p; default {@code
     *     asss_bilevel_p}
     */
    public record Options(
            Budget budget,
            Integer epochs,
            Integer batchSize,
            Double taskLr,
            Double selectorLr,
            Double lookaheadLr,
            Double pin,
            Double heldOutFraction,
            Double clip,
            List<Integer> selectorHidden,
            List<Integer> taskHidden,
            Integer warmupEpochs,
            String draw,
            String heldOutLoss,
            String classQuota,
            String column) {
        public Options {
            draw = choice("draw", draw, "top", "top", "sample");
            heldOutLoss = choice("held_out_loss", heldOutLoss, "mean", "mean", "class_balanced");
            classQuota = choice("class_quota", classQuota, "proportional", "proportional", "learned", "equal");
            column = LearnedSelectors.column("asss_bilevel.column", column, "asss_bilevel_p");
            if (budget == null) {
                throw new IllegalArgumentException(
                        "asss_bilevel.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.3)");
            }
            epochs = epochs == null ? 3 : epochs;
            batchSize = batchSize == null ? 256 : batchSize;
            taskLr = taskLr == null ? 1e-3 : taskLr;
            selectorLr = selectorLr == null ? 1e-3 : selectorLr;
            lookaheadLr = lookaheadLr == null ? 1.0 : lookaheadLr;
            pin = pin == null ? 1.0 : pin;
            heldOutFraction = heldOutFraction == null ? 0.2 : heldOutFraction;
            clip = clip == null ? 1.0 : clip;
            selectorHidden = List.copyOf(selectorHidden == null ? List.of(64, 32) : selectorHidden);
            taskHidden = List.copyOf(taskHidden == null ? List.of(128, 64) : taskHidden);
            warmupEpochs = warmupEpochs == null ? 2 : warmupEpochs;
            LearnedSelectors.positive("asss_bilevel.epochs", epochs);
            LearnedSelectors.positive("asss_bilevel.batch_size", batchSize);
            LearnedSelectors.positive("asss_bilevel.task_lr", taskLr);
            LearnedSelectors.positive("asss_bilevel.selector_lr", selectorLr);
            LearnedSelectors.positive("asss_bilevel.lookahead_lr", lookaheadLr);
            LearnedSelectors.nonNegative("asss_bilevel.pin", pin);
            if (!(heldOutFraction > 0 && heldOutFraction <= 0.5)) {
                throw new IllegalArgumentException(
                        "asss_bilevel.held_out_fraction must be in (0, 0.5], got " + heldOutFraction);
            }
            LearnedSelectors.positive("asss_bilevel.clip", clip);
            LearnedSelectors.widths(selectorHidden, "asss_bilevel.selector_hidden");
            if (LearnedSelectors.widths(taskHidden, "asss_bilevel.task_hidden").length != 2) {
                throw new IllegalArgumentException(
                        "asss_bilevel.task_hidden must list two widths (a 3-layer MLP), got " + taskHidden);
            }
            LearnedSelectors.positive("asss_bilevel.warmup_epochs", warmupEpochs);
        }

        private static String choice(String name, String value, String dflt, String... valid) {
            if (value == null) {
                return dflt;
            }
            if (!List.of(valid).contains(value)) {
                throw new IllegalArgumentException(
                        "asss_bilevel." + name + " must be one of " + List.of(valid) + ", got '" + value + "'");
            }
            return value;
        }

        /** The algorithm's parameters. */
        public AsssBilevel.Params params() {
            return new AsssBilevel.Params(
                    epochs,
                    batchSize,
                    taskLr,
                    selectorLr,
                    lookaheadLr,
                    pin,
                    heldOutFraction,
                    clip,
                    LearnedSelectors.widths(selectorHidden, "asss_bilevel.selector_hidden"),
                    warmupEpochs,
                    new MlpClassifier.Options(taskHidden.get(0), taskHidden.get(1), 1, batchSize, taskLr, 1, 0),
                    draw.equals("sample"),
                    heldOutLoss.equals("class_balanced"),
                    AsssBilevel.Quota.valueOf(classQuota.toUpperCase(java.util.Locale.ROOT)));
        }
    }

    /** Registers {@code select: asss_bilevel}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "asss_bilevel",
                    "ASSS variant: selector scored by held-out loss after a one-step look-ahead on the weighted batch; class quotas, top-M or drawn ∝ p, weight N/M",
                    Options.class,
                    AsssBilevelSelector::new);
        }
    }

    private final Options options;

    public AsssBilevelSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        LearnedSelectors.plan(plan, options.budget(), "asss_bilevel", options.column());
    }

    @Override
    public void run(StageContext ctx) {
        long t0 = System.nanoTime();
        FloatMatrix x = ctx.embeddings().orElseThrow();
        Labels labels = LearnedSelectors.labels(ctx, "asss_bilevel");
        int m = options.budget().resolve(x.rows());
        Asss.Result r = AsssBilevel.run(
                x,
                labels.y(),
                labels.classCount(),
                m,
                options.params(),
                ctx.random().nextLong());
        ctx.setSelection(LearnedSelectors.finish(
                ctx, "asss_bilevel", options.column(), labels, m, r, (System.nanoTime() - t0) / 1e9));
    }
}
