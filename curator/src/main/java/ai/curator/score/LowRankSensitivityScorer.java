package ai.curator.score;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.LowRankSensitivity;

/**
 * Low-rank sensitivity scores (paper 003, Algorithm 1 lines 1–4; landmark loss estimate of §4.2):
 * σ(x) = (γ+1)·L̂(x) + γ·k·ξ + λ·‖r(x)‖² + smoothing, from a rank-k randomized SVD of the
 * embeddings. Feed the column to {@code select: sensitivity_sampling}.
 *
 * <p>Modes: {@code basis} — L̂(x) = Σ αᵢ²·ℓ(vᵢ), Algorithm 1 as printed (ℓ(vᵢ) = 1 for the
 * ‖x‖² loss; for other losses the loss of the row most aligned with vᵢ stands in); {@code
 * landmarks} — the loss oracle is called on m = landmarks·N rows drawn by leverage score, and an
 * RBF kernel ridge regression extrapolates to every row (landmarks keep their true loss). The
 * algorithm itself is {@link LowRankSensitivity}.
 */
public final class LowRankSensitivityScorer implements Stage {

    /**
     * Options of {@code score: low_rank_sensitivity}.
     *
     * @param rank k, ≥ 1 and &lt; min(N, d); default 5
     * @param mode {@code basis} or {@code landmarks}; default {@code landmarks}
     * @param gamma γ ≥ 0; default 5 in basis mode (§4.1), 0 in landmark mode (§4.2)
     * @param lambda λ ≥ 0, weight of the residual ‖r(x)‖²; default 1
     * @param smoothing added to every σ, ≥ 0; default 1e-6
     * @param landmarks share of rows used as landmarks (landmark mode), in (0, 1]; default 0.2
     * @param xi ξ ≥ 0; default the largest basis (or landmark) loss
     * @param oversampling randomized SVD oversampling p ≥ 0; default 10
     * @param powerIterations randomized SVD power iterations q ≥ 0; default 2
     * @param loss where losses come from; default {@code {source: squared_norm}}
     * @param column the score column written; default {@code low_rank_sensitivity}
     */
    public record Options(
            Integer rank,
            String mode,
            Double gamma,
            Double lambda,
            Double smoothing,
            Double landmarks,
            Double xi,
            Integer oversampling,
            Integer powerIterations,
            LossSpec loss,
            String column) {
        public Options {
            rank = rank == null ? 5 : rank;
            mode = mode == null ? "landmarks" : mode;
            if (!mode.equals("basis") && !mode.equals("landmarks")) {
                throw new IllegalArgumentException(
                        "low_rank_sensitivity.mode must be basis or landmarks, got '" + mode + "'");
            }
            gamma = gamma == null ? (mode.equals("basis") ? 5.0 : 0.0) : gamma;
            lambda = lambda == null ? 1.0 : lambda;
            smoothing = smoothing == null ? 1e-6 : smoothing;
            landmarks = landmarks == null ? 0.2 : landmarks;
            oversampling = oversampling == null ? 10 : oversampling;
            powerIterations = powerIterations == null ? 2 : powerIterations;
            loss = loss == null ? LossSpec.squaredNorm() : loss;
            column = column == null ? "low_rank_sensitivity" : column;
            algorithm(rank, mode, gamma, lambda, smoothing, landmarks, xi, oversampling, powerIterations); // validates
        }

        public LowRankSensitivity.Options algorithm() {
            return algorithm(rank, mode, gamma, lambda, smoothing, landmarks, xi, oversampling, powerIterations);
        }

        private static LowRankSensitivity.Options algorithm(
                int rank,
                String mode,
                double gamma,
                double lambda,
                double smoothing,
                double landmarks,
                Double xi,
                int oversampling,
                int powerIterations) {
            return new LowRankSensitivity.Options(
                    rank,
                    mode.equals("basis") ? LowRankSensitivity.LossMode.BASIS : LowRankSensitivity.LossMode.LANDMARKS,
                    gamma,
                    lambda,
                    smoothing,
                    landmarks,
                    xi == null ? Double.NaN : xi,
                    new RandomizedSvd.Options(rank, oversampling, powerIterations),
                    KernelRidgeRegression.Options.defaults());
        }
    }

    /** Registers {@code score: low_rank_sensitivity}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "score",
                    "low_rank_sensitivity",
                    "low-rank sensitivity σ = (γ+1)·L̂ + γkξ + λ‖r‖² from a rank-k SVD of the embeddings (paper 003)",
                    Options.class,
                    LowRankSensitivityScorer::new);
        }
    }

    private final Options options;

    public LowRankSensitivityScorer(Options options) {
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
            if (options.rank() >= n) {
                throw new IllegalArgumentException(
                        "low_rank_sensitivity.rank must be < the number of rows (" + n + "), got " + options.rank());
            }
        });
        plan.produceScore(options.column());
    }

    @Override
    public void run(StageContext ctx) {
        FloatMatrix x = ctx.embeddings().orElseThrow();
        MeteredLossOracle oracle = new MeteredLossOracle(
                LossOracles.create(options.loss(), ctx), options.loss().source());
        LowRankSensitivity.Result r = LowRankSensitivity.score(
                x, oracle, LossOracles.basisLosses(options.loss(), options.rank()), options.algorithm(), ctx.random());
        oracle.report(ctx, x.rows());
        ctx.log(String.format(
                "rank %d: σ₁…σ_k = %s; oracle called on %,d rows; ξ = %.4g",
                options.rank(), fmt(r.svd().singularValues()), r.oracleRows().length, r.xi()));
        ctx.record("singular_values", r.svd().singularValues());
        ctx.record("xi", r.xi());
        ctx.record("oracle_calls", r.oracleRows().length);
        if (r.model() != null) {
            ctx.record("krr_bandwidth", r.model().bandwidth());
            ctx.record("krr_lambda", r.model().lambda());
            ctx.record("krr_exact", r.model().exact());
            ctx.record("krr_validation_mse", r.model().validationMse());
        }
        ctx.putScore(options.column(), r.sensitivity());
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("%.4g", v[i]));
        }
        return sb.append(']').toString();
    }
}
