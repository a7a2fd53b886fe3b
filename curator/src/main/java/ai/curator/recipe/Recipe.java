package ai.curator.recipe;

import ai.curator.api.EvalTask;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed, strictly checked recipe: the data set, the stages in order, the seed and where outputs
 * go. Stage options are checked against their stage's options record when the pipeline is built.
 *
 * @param file the recipe file
 * @param text the recipe's exact text (hashed and copied into provenance)
 * @param name a name for the run (default: the recipe file's name without extension)
 * @param seed the one seed every random choice derives from (default 42)
 * @param dataset the data set to load
 * @param stages the stages after loading, in order
 * @param output the output directory (resolved against the recipe's directory)
 * @param workDir the cache directory for stage results (default {@code <output>/.work})
 * @param overrides the command line's {@code --set KEY=VALUE} changes applied to {@code text}, in
 *     order (recorded in provenance; empty if none)
 * @param outputUri the output as a URI with a scheme ({@code hdfs://nn/out}, {@code s3a://bucket/out},
 *     {@code file:///out}), which the Spark engine writes through Hadoop's file systems; {@code null}
 *     for a local directory. With a URI, {@code output} is the local folder the work directory
 *     defaults under ({@code out/<name>} next to the recipe)
 * @param workUri {@code work_dir} as a URI, where the Spark engine keeps its stage cache on a file
 *     system every executor sees; {@code null} when local. With a URI, {@code workDir} is the local
 *     folder for what the driver keeps (loss caches), {@code <output>/.work}
 */
public record Recipe(
        Path file,
        String text,
        String name,
        long seed,
        DatasetSpec dataset,
        List<StageSpec> stages,
        Path output,
        Path workDir,
        List<String> overrides,
        String outputUri,
        String workUri) {

    /** Whether a path is a URI: a scheme of letters, digits, {@code + . -}, then {@code ://}. */
    public static boolean isUri(String path) {
        return path != null && path.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*");
    }

    public Recipe {
        stages = List.copyOf(stages);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /** A recipe read as written (no overrides). */
    public Recipe(
            Path file,
            String text,
            String name,
            long seed,
            DatasetSpec dataset,
            List<StageSpec> stages,
            Path output,
            Path workDir) {
        this(file, text, name, seed, dataset, stages, output, workDir, List.of(), null, null);
    }

    /** Where outputs go, as the user wrote it: the URI, else the local directory. */
    public String outputText() {
        return outputUri != null ? outputUri : output.toString();
    }

    /** The directory relative paths in the recipe are resolved against. */
    public Path baseDir() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    /**
     * The data file, resolved: {@code dataset.path} against the recipe's directory, or with only
     * {@code dataset.task} the task split's file under {@link EvalTask#defaultDataRoot()}.
     *
     * @throws ai.curator.api.RecipeException for an unknown task or split (listing the known ones)
     */
    public Path datasetPath() {
        if (dataset.path() != null) {
            return baseDir().resolve(dataset.path()).normalize();
        }
        EvalTask task = EvalTask.named(dataset.task());
        return EvalTask.defaultDataRoot()
                .resolve(task.split(dataset.split()).file())
                .toAbsolutePath()
                .normalize();
    }

    /** This recipe with another output directory (and its default work directory under it). */
    public Recipe withOutput(Path newOutput) {
        Path work = workDir.equals(output.resolve(".work")) ? newOutput.resolve(".work") : workDir;
        return new Recipe(file, text, name, seed, dataset, stages, newOutput, work, overrides, null, workUri);
    }

    /** This recipe writing to {@code uri} (see {@link #outputUri}); the work directory stays where it is. */
    public Recipe withOutputUri(String uri) {
        return new Recipe(file, text, name, seed, dataset, stages, output, workDir, overrides, uri, workUri);
    }
}
