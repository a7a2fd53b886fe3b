package ai.curator.pipeline;

import ai.curator.api.RecipeException;
import ai.curator.recipe.Recipe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Where a recipe runs: {@code local} (this JVM, {@link Pipeline}) or an engine another module adds,
 * such as {@code spark}, found with {@link ServiceLoader} (list implementations in {@code
 * META-INF/services/ai.curator.pipeline.Engine}). The core stays free of cluster libraries.
 */
public interface Engine {
    /** The name {@code curator run --engine NAME} takes. */
    String name();

    /** One line for {@code curator run --help} and error messages. */
    String description();

    /**
     * Runs {@code recipe} and returns what it wrote.
     *
     * @throws ai.curator.api.CuratorException with a message naming what is wrong (exit 2 for bad
     *     input, as {@link Pipeline})
     */
    Result run(Recipe recipe, Settings settings);

    /**
     * How to run.
     *
     * @param master where the engine runs its work (Spark: {@code local[N]}, {@code spark://host:port},
     *     {@code yarn}); null for the engine's default
     * @param force recompute instead of reusing earlier results
     * @param log progress and stage messages (a null stream when quiet)
     */
    record Settings(String master, boolean force, PrintStream log) {}

    /**
     * What a run produced.
     *
     * @param rows rows loaded
     * @param selected distinct rows selected
     * @param method the selection's method
     * @param outputs files and folders written (local paths or URIs)
     */
    record Result(long rows, long selected, String method, List<String> outputs) {}

    /**
     * The engine named {@code name}.
     *
     * @throws RecipeException naming the engines there are when none has that name
     */
    static Engine named(String name) {
        List<String> names = new ArrayList<>();
        for (Engine e : ServiceLoader.load(Engine.class)) {
            if (e.name().equals(name)) {
                return e;
            }
            names.add(e.name());
        }
        throw new RecipeException("--engine " + name + ": no such engine on the class path; engines: local"
                + (names.isEmpty() ? "" : ", " + String.join(", ", names))
                + (name.equals("spark")
                        ? " (the spark engine is the curator-spark module, in the distribution's lib)"
                        : ""));
    }
}
