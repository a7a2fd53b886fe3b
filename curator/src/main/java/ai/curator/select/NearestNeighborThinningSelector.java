package ai.curator.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.select.algo.RadiusThinning;

/**
 * Nearest-neighbour thinning (paper 000 §4): visit rows in a seeded random order and drop each row
 * within radius ρ of a row already kept; ρ is found by bisection so that exactly the budget is
 * kept. Each kept row weighs N/s.
 */
public final class NearestNeighborThinningSelector implements Stage {

    /**
     * Options of {@code select: nn_thinning}.
     *
     * @param budget rows to keep: a count or a ratio of N; required
     * @param shuffle visit rows in a seeded random order (true, default) or in row order
     * @param maxBisections bisection steps on ρ, ≥ 1; default 40
     */
    public record Options(Budget budget, Boolean shuffle, Integer maxBisections) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "nn_thinning.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
            }
            shuffle = shuffle == null || shuffle;
            maxBisections = maxBisections == null ? 40 : maxBisections;
            new RadiusThinning.Options(1, shuffle, maxBisections); // validates
        }
    }

    /** Registers {@code select: nn_thinning}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "nn_thinning",
                    "drop rows within radius ρ of a kept row; ρ bisected to meet the budget",
                    Options.class,
                    NearestNeighborThinningSelector::new);
        }
    }

    private final Options options;

    public NearestNeighborThinningSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        Selectors.plan(plan, options.budget(), true);
    }

    @Override
    public void run(StageContext ctx) {
        var x = ctx.embeddings().orElseThrow();
        int s = options.budget().resolve(x.rows());
        RadiusThinning.Result r = RadiusThinning.select(
                x, new RadiusThinning.Options(s, options.shuffle(), options.maxBisections()), ctx.random());
        ctx.log(String.format("radius ρ = %.4g", r.radius()));
        ctx.setSelection(Selectors.equalWeights(r.rows(), (double) x.rows() / s, "nn_thinning"));
    }
}
