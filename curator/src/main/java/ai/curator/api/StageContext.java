package ai.curator.api;

import ai.curator.linalg.FloatMatrix;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** What a running stage sees: the data, the products of earlier stages, its random stream, I/O. */
public interface StageContext {

    /** The loaded data set. */
    Table table();

    /**
     * Each row's text, from the recipe's {@code dataset.text} template (rendered once, then kept).
     *
     * @throws RecipeException when the recipe has no {@code dataset.text}
     */
    List<String> texts();

    /** The recipe's label column ({@code dataset.label}), or null. */
    String labelColumn();

    /**
     * The data set's feature columns: {@code dataset.features}, or every numeric column but the id
     * and the label.
     */
    List<String> featureColumns();

    /** The embeddings (one row per table row), if an embed stage has run. */
    Optional<FloatMatrix> embeddings();

    /**
     * Sets the embeddings.
     *
     * @param embeddings one finite row per table row
     * @param source what made them (model id and settings), for provenance
     */
    void setEmbeddings(FloatMatrix embeddings, String source);

    /** Score columns written so far, by name, one value per table row (read-only). */
    Map<String, double[]> scores();

    /** Adds a score column (one finite value per table row). */
    void putScore(String name, double[] values);

    /** The current selection, if a select stage has run. */
    Optional<Selection> selection();

    /** Sets the selection. */
    void setSelection(Selection selection);

    /**
     * This stage's own random stream, derived from the recipe seed and the stage's position and
     * name: the only source of randomness a stage may use.
     */
    SplittableRandom random();

    /** The recipe seed (for libraries that take a long seed). */
    long seed();

    /** The run's output directory (exists). */
    Path outputDir();

    /**
     * A directory for results that must outlive a failed run (losses fetched from a server, a
     * model's per-row outputs), so that a rerun resumes: the recipe's {@code work_dir}, beside the
     * stage caches. Name files after what determines their content. The default is {@link
     * #outputDir()}.
     */
    default Path workDir() {
        return outputDir();
    }

    /**
     * The provenance record for an output file this stage writes, to be stored beside it as
     * {@code <file>.provenance.json}: run, recipe, inputs, and every stage so far.
     */
    ObjectNode provenance();

    /** Declares a file this stage wrote into the output directory (for caching and the summary). */
    void addOutput(Path file);

    /**
     * Records a detail of this run of the stage (a count, a fitted parameter) in the stage's
     * provenance entry, under {@code details}. Values are numbers, text, or lists of them.
     */
    void record(String key, Object value);

    /** A progress bar over {@code total} units of {@code task}. */
    Progress progress(String task, long total);

    /** A one-line message to the user (stderr). */
    void log(String message);

    /**
     * Adds a short part to the stage's summary line (what it cost, what it found), printed when
     * the stage ends. The default logs it.
     */
    default void summary(String part) {
        log(part);
    }

    /** The run's stop request, which long stages poll between batches (see {@link Cancellation}). */
    default Cancellation cancellation() {
        return new Cancellation();
    }

    /**
     * Throws {@link CancelledException} when the run was asked to stop (Ctrl-C, SIGTERM); call
     * at the start of {@code run} and between batches, with native resources in
     * try-with-resources, so that they are closed before the process exits.
     */
    default void checkCancelled() {
        cancellation().check();
    }
}
