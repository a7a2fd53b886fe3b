package ai.curator.score;

import ai.curator.api.LossOracle;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.linalg.FloatMatrix;
import ai.curator.model.LogisticRegression;

/**
 * {@code loss: {source: logistic}}: the log loss of each row under a logistic regression fitted
 * once on all rows (embeddings as features, {@code dataset.label} as the binary label) — the
 * "target model" of the credit-card experiment (paper 003 §4.1).
 */
public final class LogisticLossSource implements LossSourceProvider<LogisticLossSource.Options> {

    /**
     * Options of the {@code logistic} source.
     *
     * @param c inverse regularisation, &gt; 0; default 1
     * @param balanced balanced class weights; default true
     */
    public record Options(Double c, Boolean balanced) {
        public Options {
            c = c == null ? 1.0 : c;
            if (!(c > 0) || c.isInfinite()) {
                throw new IllegalArgumentException("loss.c must be > 0, got " + c);
            }
            balanced = balanced == null || balanced;
        }
    }

    @Override
    public String name() {
        return "logistic";
    }

    @Override
    public String summary() {
        return "log loss under a logistic regression fitted on all rows (embeddings, dataset.label; paper 003 §4.1)";
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public void plan(Options options, Plan plan) {
        plan.requireEmbeddings();
        if (plan.label() == null) {
            throw new RecipeException(plan.stage()
                    + ": loss.source 'logistic' fits a classifier; set dataset.label to the binary label column");
        }
    }

    /** Fits the model once, here, on every row; the oracle then answers from its per-row losses. */
    @Override
    public LossOracle create(Options options, StageContext ctx) {
        FloatMatrix x = ctx.embeddings().orElseThrow();
        int[] y = LossOracles.binaryLabels(ctx.table(), ctx.labelColumn());
        LogisticRegression lr = LogisticRegression.fit(
                x, y, null, new LogisticRegression.Options(options.c(), options.balanced(), 100, 1e-8));
        double[] loss = lr.logLoss(x, y);
        return rows -> LossOracles.pick(loss, rows);
    }
}
