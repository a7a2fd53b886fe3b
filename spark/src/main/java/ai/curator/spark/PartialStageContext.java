package ai.curator.spark;

import ai.curator.api.Progress;
import ai.curator.api.Selection;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A {@link StageContext} for running one piece of a stage outside the pipeline — a loss source on
 * the driver, an embed stage on an executor: what the piece may not touch (scores, the selection,
 * output files) is refused or empty, and {@link #record} collects its details. Subclasses give what
 * the piece sees.
 */
abstract class PartialStageContext implements StageContext {
    /** What the piece recorded (provenance details). */
    final ObjectNode details;

    /** Names the piece in refusals, e.g. "a loss source". */
    private final String what;

    PartialStageContext(String what, ObjectNode details) {
        this.what = what;
        this.details = details;
    }

    @Override
    public Table table() {
        throw new UnsupportedOperationException(what + " on Spark sees no table");
    }

    @Override
    public List<String> texts() {
        throw new UnsupportedOperationException(what + " on Spark sees no row texts");
    }

    @Override
    public String labelColumn() {
        return null;
    }

    @Override
    public List<String> featureColumns() {
        return List.of();
    }

    @Override
    public Optional<FloatMatrix> embeddings() {
        return Optional.empty();
    }

    @Override
    public void setEmbeddings(FloatMatrix embeddings, String source) {
        throw new UnsupportedOperationException(what + " sets no embeddings");
    }

    @Override
    public Map<String, double[]> scores() {
        return Map.of();
    }

    @Override
    public void putScore(String name, double[] values) {
        throw new UnsupportedOperationException(what + " writes no score column");
    }

    @Override
    public Optional<Selection> selection() {
        return Optional.empty();
    }

    @Override
    public void setSelection(Selection selection) {
        throw new UnsupportedOperationException(what + " selects nothing");
    }

    @Override
    public SplittableRandom random() {
        throw new UnsupportedOperationException(what + " on Spark draws no random numbers");
    }

    @Override
    public long seed() {
        throw new UnsupportedOperationException(what + " on Spark draws no random numbers");
    }

    @Override
    public Path outputDir() {
        throw new UnsupportedOperationException(what + " on Spark writes no files");
    }

    @Override
    public ObjectNode provenance() {
        return Json.MAPPER.createObjectNode();
    }

    @Override
    public void addOutput(Path file) {}

    @Override
    public void record(String key, Object value) {
        details.set(key, Json.MAPPER.valueToTree(value));
    }

    @Override
    public Progress progress(String task, long total) {
        return Progress.none();
    }

    @Override
    public void log(String message) {}
}
