package ai.curator.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.WeightedSample;

/**
 * Sensitivity sampling (paper 003, Algorithm 1 lines 5–10): draw s rows with replacement with
 * probability p(x) = σ(x)/Σσ and weight each copy 1/(s·p(x)), so Σ count·weight·ℓ is an unbiased
 * estimate of Σℓ. Reads σ from a score column (low_rank_sensitivity, clustering_sensitivity, …).
 */
public final class SensitivitySamplingSelector implements Stage {

    /**
     * Options of {@code select: sensitivity_sampling}.
     *
     * @param budget draws s: a count or a ratio of N; required
     * @param score the score column holding σ; default the only score column
     */
    public record Options(Budget budget, String score) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "sensitivity_sampling.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
            }
        }
    }

    /** Registers {@code select: sensitivity_sampling}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "sensitivity_sampling",
                    "draw s rows with replacement ∝ a score (sensitivity), weight 1/(s·p) per copy",
                    Options.class,
                    SensitivitySamplingSelector::new);
        }
    }

    private final Options options;
    private String column;

    public SensitivitySamplingSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        column = ScoreColumns.resolve(options.score(), plan, "sensitivity_sampling");
        Selectors.plan(plan, options.budget(), false);
    }

    @Override
    public void run(StageContext ctx) {
        double[] sigma = ctx.scores().get(column);
        int s = options.budget().resolve(sigma.length);
        ctx.setSelection(Selectors.fromSample(
                SensitivitySampling.sample(sigma, s, ctx.random()), "sensitivity_sampling:" + column));
    }

    /** For tests: the selection a given σ and seed give. */
    static Selection select(double[] sigma, int s, java.util.SplittableRandom rnd) {
        WeightedSample w = SensitivitySampling.sample(sigma, s, rnd);
        return Selectors.fromSample(w, "sensitivity_sampling");
    }
}
