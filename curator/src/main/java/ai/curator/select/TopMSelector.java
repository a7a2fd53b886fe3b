package ai.curator.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;

/**
 * The M rows with the highest (or lowest) score; ties broken by row order. Each kept row weighs
 * N/M — top-M is not an unbiased estimator, the weight only keeps totals on the data's scale.
 */
public final class TopMSelector implements Stage {

    /**
     * Options of {@code select: top_m}.
     *
     * @param budget M: a count or a ratio of N; required
     * @param score the score column; default the only score column
     * @param descending keep the highest scores (true, default) or the lowest
     */
    public record Options(Budget budget, String score, Boolean descending) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "top_m.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
            }
            descending = descending == null || descending;
        }
    }

    /** Registers {@code select: top_m}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super("select", "top_m", "the M rows with the highest (or lowest) score", Options.class, TopMSelector::new);
        }
    }

    private final Options options;
    private String column;

    public TopMSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        column = ScoreColumns.resolve(options.score(), plan, "top_m");
        Selectors.plan(plan, options.budget(), false);
    }

    @Override
    public void run(StageContext ctx) {
        double[] score = ctx.scores().get(column);
        int n = score.length;
        int m = options.budget().resolve(n);
        int[] top = top(score, m, options.descending());
        ctx.setSelection(Selectors.equalWeights(top, (double) n / m, "top_m:" + column));
    }

    /** Indices of the m best scores, ties to the lower row. */
    static int[] top(double[] score, int m, boolean descending) {
        Integer[] idx = new Integer[score.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(score[b], score[a]);
            if (!descending) {
                c = -c;
            }
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
