package ai.curator.api;

/**
 * Registers one source of per-sample losses ℓ(i) — what a sensitivity scorer's {@code loss:}
 * option names with {@code source:} — found with {@link java.util.ServiceLoader} (list
 * implementations in {@code META-INF/services/ai.curator.api.LossSourceProvider}). A module adds a
 * source (a language model, a remote server) without editing curator.
 *
 * <p>In a recipe a source is written {@code loss: {source: NAME, option: value, …}}; the other
 * keys are read into {@link #optionsType()}, a record whose compact constructor fills defaults and
 * rejects bad values with an {@link IllegalArgumentException} naming the option as {@code
 * loss.OPTION}. Unknown keys are rejected with the valid ones listed.
 *
 * @param <O> the options record; every component accepts null (meaning: the default)
 */
public interface LossSourceProvider<O extends Record> {

    /** The name in a recipe, snake_case: {@code squared_norm}, {@code openai}. */
    String name();

    /** One line saying where the losses come from, shown by {@code curator list}. */
    String summary();

    /** The options record type. */
    Class<O> optionsType();

    /**
     * Checks, before any work, what the source needs from the plan: embeddings ({@link
     * Plan#requireEmbeddings()}), data columns ({@link Plan#dataColumns()}, null until the data is
     * loaded), the label. Throws {@link RecipeException} starting with {@link Plan#stage()}. No
     * work, no side effects. The default checks nothing.
     */
    default void plan(O options, Plan plan) {}

    /**
     * The oracle, for one run of the scorer that owns the {@code loss:} option. It is called with
     * the rows the algorithm picks (landmarks, cluster representatives), usually once.
     *
     * <p>The context gives what a source may need: the rows ({@link StageContext#table()}, with
     * {@link Table#idText(int)} to name a row in messages), the seed and the stage's random stream,
     * {@link StageContext#workDir()} for results that must survive a crash (a rerun resumes),
     * {@link StageContext#progress}, {@link StageContext#log} and {@link StageContext#record} for
     * provenance. Expensive set-up (fitting a model) may happen here or lazily on the first call.
     */
    LossOracle create(O options, StageContext context);

    /**
     * The losses ℓ(vᵢ) of the k basis directions when known in closed form (1 for ‖x‖², whose
     * basis vectors have unit norm), else null: the scorer then asks the oracle for the row most
     * aligned with each direction. The default is null.
     */
    default double[] basisLosses(O options, int rank) {
        return null;
    }

    /**
     * What decides the losses beyond the options' text — e.g. the sha256 of the model file the
     * options name by path, so that replacing the weights behind one path invalidates the scorer's
     * cached result. Called after {@link #plan}; joins the scoring stage's cache key. Default none.
     */
    default String fingerprint(O options) {
        return "";
    }
}
