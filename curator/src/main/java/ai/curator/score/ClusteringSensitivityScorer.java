package ai.curator.score;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.select.algo.ClusteringSensitivity;
import ai.curator.select.algo.KMeans;

/**
 * Clustering sensitivity scores (Axiotis et al., ICML 2024; the baseline of paper 003): k-means
 * with k clusters, the loss oracle called on the row nearest each centre, σ(x) = ℓ(rep(x)) +
 * λ·‖x − c(x)‖² + smoothing. Feed the column to {@code select: sensitivity_sampling}.
 */
public final class ClusteringSensitivityScorer implements Stage {

    /**
     * Options of {@code score: clustering_sensitivity}.
     *
     * @param clusters k ≥ 1 (and ≤ N): the number of oracle calls; default 100
     * @param lambda λ ≥ 0, weight of the distance to the centre; default 1
     * @param smoothing added to every σ, ≥ 0; default 1e-6
     * @param maxIterations Lloyd iterations per restart, ≥ 1; default 300
     * @param restarts k-means++ restarts (best inertia kept), ≥ 1; default 1
     * @param loss where losses come from; default {@code {source: squared_norm}}
     * @param column the score column written; default {@code clustering_sensitivity}
     */
    public record Options(
            Integer clusters,
            Double lambda,
            Double smoothing,
            Integer maxIterations,
            Integer restarts,
            LossSpec loss,
            String column) {
        public Options {
            clusters = clusters == null ? 100 : clusters;
            lambda = lambda == null ? 1.0 : lambda;
            smoothing = smoothing == null ? 1e-6 : smoothing;
            maxIterations = maxIterations == null ? 300 : maxIterations;
            restarts = restarts == null ? 1 : restarts;
            loss = loss == null ? LossSpec.squaredNorm() : loss;
            column = column == null ? "clustering_sensitivity" : column;
            algorithm(clusters, lambda, smoothing, maxIterations, restarts);
        }

        /** The algorithm's options. */
        public ClusteringSensitivity.Options algorithm() {
            return algorithm(clusters, lambda, smoothing, maxIterations, restarts);
        }

        private static ClusteringSensitivity.Options algorithm(
                int k, double lambda, double smoothing, int iters, int restarts) {
            return new ClusteringSensitivity.Options(new KMeans.Options(k, iters, 1e-4, restarts), lambda, smoothing);
        }
    }

    /** Registers {@code score: clustering_sensitivity}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "score",
                    "clustering_sensitivity",
                    "clustering sensitivity σ = ℓ(rep(x)) + λ‖x − c(x)‖² over k-means clusters (Axiotis et al. 2024)",
                    Options.class,
                    ClusteringSensitivityScorer::new);
        }
    }

    private final Options options;

    public ClusteringSensitivityScorer(Options options) {
        this.options = options;
    }

    /** The loss source's fingerprint (e.g. its model file's sha256) joins the cache key. */
    @Override
    public String fingerprint() {
        return options.loss().fingerprint();
    }

    @Override
    public void plan(Plan plan) {
        plan.requireEmbeddings();
        LossOracles.plan(options.loss(), plan);
        plan.rows().ifPresent(n -> {
            if (options.clusters() > n) {
                throw new IllegalArgumentException("clustering_sensitivity.clusters must be <= the number of rows (" + n
                        + "), got " + options.clusters());
            }
        });
        plan.produceScore(options.column());
    }

    @Override
    public void run(StageContext ctx) {
        MeteredLossOracle oracle = new MeteredLossOracle(
                LossOracles.create(options.loss(), ctx), options.loss().source());
        ClusteringSensitivity.Result r =
                ClusteringSensitivity.score(ctx.embeddings().orElseThrow(), oracle, options.algorithm(), ctx.random());
        oracle.report(ctx, ctx.table().rows());
        ctx.log(String.format(
                "k-means: %d clusters, inertia %.4g after %d iterations",
                options.clusters(), r.clustering().inertia(), r.clustering().iterations()));
        ctx.record("inertia", r.clustering().inertia());
        ctx.record("iterations", r.clustering().iterations());
        ctx.record(
                "oracle_calls",
                java.util.Arrays.stream(r.representatives()).filter(i -> i >= 0).count());
        ctx.putScore(options.column(), r.sensitivity());
    }
}
