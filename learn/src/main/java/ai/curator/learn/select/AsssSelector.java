package ai.curator.learn.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.linalg.FloatMatrix;
import ai.curator.tabular.Labels;
import java.util.List;

/**
 * {@code select: asss} — adversarial soft-selection subsampling as printed in paper 000 (§3,
 * Algorithm 1; see {@link Asss} for the equations and the known problem of the printed objective).
 * Reads the pipeline's embeddings (with {@code embed: features}: the z-scored features) and the
 * label column; keeps the top-M rows by the learned selection probability, with a stratified floor
 * of one row per class, each weighted N/M. Logs and records the histogram of p over training and the
 * kept fraction per class, and plots both (PNG) into the output directory.
 */
public final class AsssSelector implements Stage {

    /**
     * Options of {@code select: asss}.
     *
     * @param budget rows kept (count or ratio); required
     * @param lambda sparsity weight λ ≥ 0; default 0.1 (the paper tunes it per data set; not tuned here)
     * @param beta entropy weight β ≥ 0; default 0.1
     * @param epochs adversarial passes over the rows ≥ 1; default 3
     * @param batchSize minibatch ≥ 1; default 256
     * @param taskLr task Adam lr; default 1e-3 (paper, TTUR)
     * @param selectorLr selector Adam lr; default 1e-4 (paper, TTUR)
     * @param tauStart initial Gumbel temperature; default 1.0 (paper)
     * @param tauEnd final temperature, in (0, tau_start]; default 0.1 (paper)
     * @param clip element-wise selector gradient clip &gt; 0; default 1.0
     * @param baselineMomentum moving-average baseline momentum in [0, 1); default 0.9
     * @param selectorHidden selector hidden widths (two layers); default [64, 32]
     * @param taskHidden task MLP hidden widths (two: a 3-layer MLP); default [128, 64]
     * @param warmupEpochs warm-up epochs for the loss / gradient-norm proxies ≥ 1; default 2
     * @param column the score column written: every row's final selection probability p; default {@code asss_p}
     */
    public record Options(
            Budget budget,
            Double lambda,
            Double beta,
            Integer epochs,
            Integer batchSize,
            Double taskLr,
            Double selectorLr,
            Double tauStart,
            Double tauEnd,
            Double clip,
            Double baselineMomentum,
            List<Integer> selectorHidden,
            List<Integer> taskHidden,
            Integer warmupEpochs,
            String column) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "asss.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.3)");
            }
            lambda = lambda == null ? 0.1 : lambda;
            beta = beta == null ? 0.1 : beta;
            epochs = epochs == null ? 3 : epochs;
            batchSize = batchSize == null ? 256 : batchSize;
            taskLr = taskLr == null ? 1e-3 : taskLr;
            selectorLr = selectorLr == null ? 1e-4 : selectorLr;
            tauStart = tauStart == null ? 1.0 : tauStart;
            tauEnd = tauEnd == null ? 0.1 : tauEnd;
            clip = clip == null ? 1.0 : clip;
            baselineMomentum = baselineMomentum == null ? 0.9 : baselineMomentum;
            selectorHidden = List.copyOf(selectorHidden == null ? List.of(64, 32) : selectorHidden);
            taskHidden = List.copyOf(taskHidden == null ? List.of(128, 64) : taskHidden);
            warmupEpochs = warmupEpochs == null ? 2 : warmupEpochs;
            column = LearnedSelectors.column("asss.column", column, "asss_p");
            LearnedSelectors.nonNegative("asss.lambda", lambda);
            LearnedSelectors.nonNegative("asss.beta", beta);
            LearnedSelectors.positive("asss.epochs", epochs);
            LearnedSelectors.positive("asss.batch_size", batchSize);
            LearnedSelectors.positive("asss.task_lr", taskLr);
            LearnedSelectors.positive("asss.selector_lr", selectorLr);
            LearnedSelectors.positive("asss.tau_end", tauEnd);
            if (!(tauStart >= tauEnd) || Double.isInfinite(tauStart)) {
                throw new IllegalArgumentException(
                        "asss.tau_start must be finite and >= tau_end = " + tauEnd + ", got " + tauStart);
            }
            LearnedSelectors.positive("asss.clip", clip);
            if (!(baselineMomentum >= 0 && baselineMomentum < 1)) {
                throw new IllegalArgumentException("asss.baseline_momentum must be in [0, 1), got " + baselineMomentum);
            }
            LearnedSelectors.widths(selectorHidden, "asss.selector_hidden");
            if (LearnedSelectors.widths(taskHidden, "asss.task_hidden").length != 2) {
                throw new IllegalArgumentException(
                        "asss.task_hidden must list two widths (a 3-layer MLP), got " + taskHidden);
            }
            LearnedSelectors.positive("asss.warmup_epochs", warmupEpochs);
        }

        /** The algorithm's parameters. */
        public Asss.Params params() {
            return new Asss.Params(
                    lambda,
                    beta,
                    epochs,
                    batchSize,
                    taskLr,
                    selectorLr,
                    tauStart,
                    tauEnd,
                    clip,
                    baselineMomentum,
                    LearnedSelectors.widths(selectorHidden, "asss.selector_hidden"),
                    warmupEpochs,
                    new MlpClassifier.Options(taskHidden.get(0), taskHidden.get(1), 1, batchSize, taskLr, 1, 0));
        }
    }

    /** Registers {@code select: asss}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "asss",
                    "ASSS as printed (paper 000): adversarial Gumbel-Softmax selector MLP vs task MLP, top-M by p, weight N/M",
                    Options.class,
                    AsssSelector::new);
        }
    }

    private final Options options;

    public AsssSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        LearnedSelectors.plan(plan, options.budget(), "asss", options.column());
    }

    @Override
    public void run(StageContext ctx) {
        long t0 = System.nanoTime();
        FloatMatrix x = ctx.embeddings().orElseThrow();
        Labels labels = LearnedSelectors.labels(ctx, "asss");
        int m = options.budget().resolve(x.rows());
        Asss.Result r = Asss.run(
                x,
                labels.y(),
                labels.classCount(),
                m,
                options.params(),
                ctx.random().nextLong());
        ctx.setSelection(
                LearnedSelectors.finish(ctx, "asss", options.column(), labels, m, r, (System.nanoTime() - t0) / 1e9));
    }
}
