package ai.curator.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.select.algo.CentroidNearestSelection;
import ai.curator.select.algo.KMeans;

/**
 * k-means selection (papers 000 §4 and 003 §4.1): k-means++ and Lloyd with k = budget, then the
 * row nearest each centroid, weighted by its cluster's size. Empty clusters give no row, so the
 * subset can be slightly smaller than the budget.
 */
public final class KMeansSelector implements Stage {

    /**
     * Options of {@code select: k_means}.
     *
     * @param budget clusters k (rows kept): a count or a ratio of N; required
     * @param maxIterations Lloyd iterations per restart, ≥ 1; default 300
     * @param restarts k-means++ restarts, best inertia kept, ≥ 1; default 1 (the paper uses 10)
     */
    public record Options(Budget budget, Integer maxIterations, Integer restarts) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "k_means.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
            }
            maxIterations = maxIterations == null ? 300 : maxIterations;
            restarts = restarts == null ? 1 : restarts;
            new KMeans.Options(1, maxIterations, 1e-4, restarts); // validates
        }
    }

    /** Registers {@code select: k_means}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "k_means",
                    "the row nearest each k-means centroid (k = budget), weighted by cluster size",
                    Options.class,
                    KMeansSelector::new);
        }
    }

    private final Options options;

    public KMeansSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        Selectors.plan(plan, options.budget(), true);
    }

    @Override
    public void run(StageContext ctx) {
        var x = ctx.embeddings().orElseThrow();
        int k = options.budget().resolve(x.rows());
        var sample = CentroidNearestSelection.select(
                x, new KMeans.Options(k, options.maxIterations(), 1e-4, options.restarts()), ctx.random());
        ctx.setSelection(Selectors.fromSample(sample, "k_means"));
    }
}
