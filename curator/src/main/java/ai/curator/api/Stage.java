package ai.curator.api;

/**
 * One step of a pipeline (score, select, export, …), built by its {@link StageProvider} from
 * validated options.
 *
 * <p>A stage is planned before any work — {@link #plan} declares what it reads and produces, so a
 * recipe whose stage 5 lacks an input fails before stage 1 runs — and planned again once the data
 * set's row count is known. It then {@link #run}s once, reading and writing the pipeline state
 * through its {@link StageContext}. The pipeline caches what it produced, so a stage must be a
 * function of its inputs, its options and {@link StageContext#random()}.
 */
public interface Stage {

    /**
     * Checks this stage against the plan so far and declares its outputs. Must not do work or
     * have side effects other than on {@code plan}.
     *
     * @throws RecipeException when an input is missing or an option does not fit the data
     */
    void plan(Plan plan);

    /** Runs the stage. */
    void run(StageContext context);

    /**
     * What else, beyond the stage's options and its inputs, decides its output — e.g. the sha256 of
     * a model file that the options name by path. It joins the stage's cache key; default none.
     */
    default String fingerprint() {
        return "";
    }

    /**
     * Whether the stage's output depends on the recipe seed (it calls {@link StageContext#random()}
     * or {@link StageContext#seed()}); default yes. A stage that says no — an encoder, an exporter —
     * leaves the seed out of its cache key, so recipes that differ only in their seed share its work
     * (e.g. the embeddings of a data set across the seeds of a benchmark), and asking its context for
     * randomness fails.
     */
    default boolean usesSeed() {
        return true;
    }
}
