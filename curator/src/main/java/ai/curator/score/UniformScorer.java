package ai.curator.score;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import java.util.Arrays;

/**
 * The constant score 1 for every row: sensitivity sampling on it is uniform sampling with
 * replacement, so a recipe can swap scorers while keeping the selector.
 */
public final class UniformScorer implements Stage {

    /**
     * Options of {@code score: uniform}.
     *
     * @param column the score column written; default {@code uniform}
     */
    public record Options(String column) {
        public Options {
            column = column == null ? "uniform" : column;
        }
    }

    /** Registers {@code score: uniform}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "score",
                    "uniform",
                    "the constant score 1 (sensitivity sampling on it is uniform sampling)",
                    Options.class,
                    UniformScorer::new);
        }
    }

    private final Options options;

    public UniformScorer(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        plan.produceScore(options.column());
    }

    @Override
    public void run(StageContext ctx) {
        double[] ones = new double[ctx.table().rows()];
        Arrays.fill(ones, 1.0);
        ctx.putScore(options.column(), ones);
    }
}
