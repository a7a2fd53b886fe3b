package ai.curator;

import ai.curator.api.Plan;
import ai.curator.api.Progress;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs one stage on a table outside a pipeline, for unit and contract tests of stages. It is the
 * stage's context, not a stand-in for the stage: the stage's own code runs for real.
 */
public final class StageHarness implements StageContext {
    private final Table table;
    private final long seed;
    private final Path outputDir;
    private final Map<String, double[]> scores = new LinkedHashMap<>();
    private final List<Path> outputs = new ArrayList<>();
    private Selection selection;
    private FloatMatrix embeddings;
    private List<String> texts;
    private String label;

    public StageHarness(Table table, long seed, Path outputDir) {
        this.table = table;
        this.seed = seed;
        this.outputDir = outputDir;
    }

    /** Plans (with the table's shape) and runs {@code stage}; returns this harness. */
    public StageHarness run(Stage stage) {
        stage.plan(plan());
        stage.run(this);
        return this;
    }

    /** The plan a stage running on this harness sees: the table's shape and what is already here. */
    public Plan plan() {
        Plan plan = new Plan(table.rows(), table.columnNames(), texts == null ? null : "{text}", label);
        scores.keySet().forEach(plan::produceScore);
        if (selection != null) {
            plan.produceSelection();
        }
        if (embeddings != null) {
            plan.produceEmbeddings();
        }
        plan.enter("test stage");
        return plan;
    }

    /** Sets the rows' texts (as the recipe's dataset.text would render them). */
    public StageHarness texts(List<String> texts) {
        this.texts = texts;
        return this;
    }

    /** Sets the label column. */
    public StageHarness label(String label) {
        this.label = label;
        return this;
    }

    /** Sets embeddings as an upstream embed stage would. */
    public StageHarness embeddings(FloatMatrix m) {
        this.embeddings = m;
        return this;
    }

    public List<Path> outputs() {
        return outputs;
    }

    @Override
    public Table table() {
        return table;
    }

    @Override
    public List<String> texts() {
        if (texts == null) {
            throw new IllegalStateException("no texts set on the harness");
        }
        return texts;
    }

    @Override
    public String labelColumn() {
        return label;
    }

    @Override
    public List<String> featureColumns() {
        List<String> out = new ArrayList<>();
        for (var c : table.columns()) {
            if (c.type().isNumeric() && !c.name().equals(label) && !c.name().equals(table.idColumn())) {
                out.add(c.name());
            }
        }
        return out;
    }

    @Override
    public Optional<FloatMatrix> embeddings() {
        return Optional.ofNullable(embeddings);
    }

    @Override
    public void setEmbeddings(FloatMatrix m, String source) {
        this.embeddings = m;
    }

    @Override
    public Map<String, double[]> scores() {
        return Collections.unmodifiableMap(scores);
    }

    @Override
    public void putScore(String name, double[] values) {
        scores.put(name, values);
    }

    @Override
    public Optional<Selection> selection() {
        return Optional.ofNullable(selection);
    }

    @Override
    public void setSelection(Selection selection) {
        this.selection = selection;
    }

    @Override
    public SplittableRandom random() {
        return new SplittableRandom(seed);
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Path outputDir() {
        return outputDir;
    }

    @Override
    public ObjectNode provenance() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("harness", true);
        return p;
    }

    @Override
    public void addOutput(Path file) {
        outputs.add(file);
    }

    /** Details stages recorded, by key. */
    public final Map<String, Object> details = new LinkedHashMap<>();

    @Override
    public void record(String key, Object value) {
        details.put(key, value);
    }

    @Override
    public Progress progress(String task, long total) {
        return Progress.none();
    }

    @Override
    public void log(String message) {}
}
