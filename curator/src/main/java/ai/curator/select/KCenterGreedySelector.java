package ai.curator.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.select.algo.KCenterGreedy;

/**
 * k-center greedy (Sener &amp; Savarese, ICLR 2018): start from a seeded random row, then
 * repeatedly add the row farthest from every row chosen so far, in the embedding space. Each kept
 * row weighs N/s (the method defines no weights).
 */
public final class KCenterGreedySelector implements Stage {

    /**
     * Options of {@code select: k_center_greedy}.
     *
     * @param budget rows to keep: a count or a ratio of N; required
     */
    public record Options(Budget budget) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "k_center_greedy.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
            }
        }
    }

    /** Registers {@code select: k_center_greedy}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "k_center_greedy",
                    "farthest-point greedy cover of the embeddings (Sener & Savarese 2018)",
                    Options.class,
                    KCenterGreedySelector::new);
        }
    }

    private final Options options;

    public KCenterGreedySelector(Options options) {
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
        int[] rows = KCenterGreedy.select(x, new KCenterGreedy.Options(s, -1), ctx.random());
        ctx.setSelection(Selectors.equalWeights(rows, (double) x.rows() / s, "k_center_greedy"));
    }
}
