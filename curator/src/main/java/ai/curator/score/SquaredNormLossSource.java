package ai.curator.score;

import ai.curator.api.LossOracle;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.Plan;
import ai.curator.api.StageContext;
import java.util.Arrays;

/**
 * {@code loss: {source: squared_norm}}: ℓ(x) = ‖x‖² of the embedding, the closed form of paper
 * 003 §4.1, whose basis losses ℓ(vᵢ) are 1 (the basis vectors have unit norm). The default source.
 */
public final class SquaredNormLossSource implements LossSourceProvider<SquaredNormLossSource.Options> {

    /** No options. */
    public record Options() {}

    @Override
    public String name() {
        return "squared_norm";
    }

    @Override
    public String summary() {
        return "ℓ(x) = ‖x‖² of the embedding, closed form (paper 003 §4.1); the default";
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public void plan(Options options, Plan plan) {
        plan.requireEmbeddings();
    }

    @Override
    public LossOracle create(Options options, StageContext ctx) {
        double[] sq = ctx.embeddings().orElseThrow().rowSquaredNorms();
        return rows -> LossOracles.pick(sq, rows);
    }

    @Override
    public double[] basisLosses(Options options, int rank) {
        double[] ones = new double[rank];
        Arrays.fill(ones, 1.0);
        return ones;
    }
}
