package ai.curator.pipeline;

import ai.curator.api.Stage;
import ai.curator.api.StageProvider;
import ai.curator.recipe.StageSpec;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A recipe stage resolved against the registry: its provider, validated options (defaults
 * filled in) and the stage built from them.
 *
 * @param spec the entry as written, with the method resolved
 * @param provider the provider of the method
 * @param options the validated options record
 * @param resolvedOptions the options with defaults, as recorded in provenance and cache keys
 * @param stage the stage
 */
public record PlannedStage(
        StageSpec spec, StageProvider<?> provider, Record options, ObjectNode resolvedOptions, Stage stage) {

    /** {@code role: method}. */
    public String name() {
        return spec.role() + ": " + spec.method();
    }

    /**
     * The seed of this stage's random stream in a recipe of seed {@code recipeSeed}: the same on every
     * engine, so a cluster draws what one machine draws.
     */
    public long seed(long recipeSeed) {
        return Keys.stageSeed(recipeSeed, spec.index(), name());
    }
}
