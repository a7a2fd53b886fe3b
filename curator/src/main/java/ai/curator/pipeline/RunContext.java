package ai.curator.pipeline;

import ai.curator.api.Plural;
import ai.curator.api.Progress;
import ai.curator.api.Selection;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.TextTemplate;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** The pipeline state one run carries from stage to stage, seen by each stage as its context. */
final class RunContext implements StageContext {
    private final Recipe recipe;
    private final Table table;
    private final Path outputDir;
    private final RunSettings settings;
    private final Map<String, double[]> scores = new LinkedHashMap<>();
    private final List<Path> allOutputs = new ArrayList<>();
    private Selection selection;
    private FloatMatrix embeddings;
    private String embeddingSource;
    private List<String> texts;

    // per stage
    private Long stageSeed;
    private SplittableRandom random;
    private ObjectNode runInfo;
    private List<ObjectNode> stageRecords;
    private final Map<String, double[]> stageScores = new LinkedHashMap<>();
    private final List<Path> stageOutputs = new ArrayList<>();
    private final List<String> stageSummaryParts = new ArrayList<>();
    private boolean selectionChanged;
    private boolean embeddingsChanged;

    RunContext(Recipe recipe, Table table, Path outputDir, RunSettings settings) {
        this.recipe = recipe;
        this.table = table;
        this.outputDir = outputDir;
        this.settings = settings;
    }

    private ObjectNode currentRecord;

    /**
     * Starts a stage. {@code seed} is null for a stage that declared it does not use the seed: its
     * {@link #random()} and {@link #seed()} then fail, since its cache key leaves the seed out.
     */
    void enterStage(Long seed, ObjectNode runInfo, List<ObjectNode> stageRecords, ObjectNode currentRecord) {
        this.currentRecord = currentRecord;
        this.stageSeed = seed;
        this.random = seed == null ? null : new SplittableRandom(seed);
        this.runInfo = runInfo;
        this.stageRecords = stageRecords;
        stageScores.clear();
        stageOutputs.clear();
        stageSummaryParts.clear();
        selectionChanged = false;
        embeddingsChanged = false;
    }

    boolean embeddingsChangedInStage() {
        return embeddingsChanged;
    }

    String embeddingSource() {
        return embeddingSource;
    }

    void putCachedEmbeddings(FloatMatrix m, String source) {
        this.embeddings = m;
        this.embeddingSource = source;
    }

    void putCachedScores(Map<String, double[]> cached) {
        scores.putAll(cached);
    }

    Map<String, double[]> stageScores() {
        return stageScores;
    }

    List<Path> stageOutputs() {
        return List.copyOf(stageOutputs);
    }

    List<Path> allOutputs() {
        return List.copyOf(allOutputs);
    }

    boolean selectionChangedInStage() {
        return selectionChanged;
    }

    String stageSummary() {
        List<String> parts = new ArrayList<>();
        if (!stageScores.isEmpty()) {
            parts.add("scores " + stageScores.keySet());
        }
        if (embeddingsChanged) {
            parts.add("embedded " + Plural.of(embeddings.rows(), "row") + " × " + Plural.of(embeddings.cols(), "dim")
                    + " (" + embeddingSource + ")");
        }
        if (selectionChanged) {
            parts.add(String.format(
                    Locale.ROOT,
                    "selected %,d of %s (%s)",
                    selection.size(),
                    Plural.of(table.rows(), "row"),
                    Plural.of(selection.draws(), "draw")));
        }
        if (!stageOutputs.isEmpty()) {
            List<String> names = new ArrayList<>();
            stageOutputs.forEach(p -> names.add(p.getFileName().toString()));
            parts.add("wrote " + String.join(", ", names));
        }
        parts.addAll(stageSummaryParts);
        return parts.isEmpty() ? "done" : String.join("; ", parts);
    }

    @Override
    public Table table() {
        return table;
    }

    @Override
    public List<String> texts() {
        if (texts == null) {
            if (recipe.dataset().text() == null) {
                throw new ai.curator.api.RecipeException("This stage reads row texts; set dataset.text in the recipe");
            }
            TextTemplate template = new TextTemplate(recipe.dataset().text());
            String[] out = new String[table.rows()];
            for (int r = 0; r < out.length; r++) {
                out[r] = template.render(table, r);
            }
            texts = List.of(out);
        }
        return texts;
    }

    @Override
    public String labelColumn() {
        return recipe.dataset().label();
    }

    @Override
    public List<String> featureColumns() {
        return DatasetLoader.featureColumns(recipe.dataset(), table, recipe.datasetPath());
    }

    @Override
    public Optional<FloatMatrix> embeddings() {
        return Optional.ofNullable(embeddings);
    }

    @Override
    public void setEmbeddings(FloatMatrix m, String source) {
        if (m.rows() != table.rows()) {
            throw new IllegalArgumentException(
                    "Embeddings have " + m.rows() + " rows for " + table.rows() + " table rows");
        }
        m.requireFinite("embeddings from " + source);
        this.embeddings = m;
        this.embeddingSource = source;
        this.embeddingsChanged = true;
    }

    @Override
    public Map<String, double[]> scores() {
        return Collections.unmodifiableMap(scores);
    }

    @Override
    public void putScore(String name, double[] values) {
        if (values.length != table.rows()) {
            throw new IllegalArgumentException(
                    "Score '" + name + "' has " + values.length + " values for " + table.rows() + " rows");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("Score '" + name + "' is " + values[i] + " at row " + i);
            }
        }
        scores.put(name, values);
        stageScores.put(name, values);
    }

    @Override
    public Optional<Selection> selection() {
        return Optional.ofNullable(selection);
    }

    @Override
    public void setSelection(Selection selection) {
        if (selection.size() > 0 && selection.rows()[selection.size() - 1] >= table.rows()) {
            throw new IllegalArgumentException("Selection has a row beyond the table's " + table.rows() + " rows");
        }
        this.selection = selection;
        this.selectionChanged = true;
    }

    @Override
    public SplittableRandom random() {
        if (random == null) {
            throw new IllegalStateException(noSeed());
        }
        return random;
    }

    @Override
    public long seed() {
        if (stageSeed == null) {
            throw new IllegalStateException(noSeed());
        }
        return stageSeed;
    }

    private String noSeed() {
        return "stage " + currentRecord.path("role").asText() + " "
                + currentRecord.path("method").asText()
                + " declares usesSeed() false, so its cache key leaves the seed out; it must not draw random"
                + " numbers (a defect in the stage, not in the recipe)";
    }

    @Override
    public Path outputDir() {
        return outputDir;
    }

    @Override
    public Path workDir() {
        return recipe.workDir();
    }

    @Override
    public void summary(String part) {
        stageSummaryParts.add(part);
    }

    @Override
    public ObjectNode provenance() {
        ObjectNode p = runInfo.deepCopy();
        var arr = p.putArray("stages");
        stageRecords.forEach(r -> arr.add(r.deepCopy()));
        return p;
    }

    @Override
    public void addOutput(Path file) {
        stageOutputs.add(file);
        allOutputs.add(file);
    }

    @Override
    public void record(String key, Object value) {
        ObjectNode details = currentRecord.has("details")
                ? (ObjectNode) currentRecord.get("details")
                : currentRecord.putObject("details");
        details.set(key, ai.curator.recipe.Json.MAPPER.valueToTree(value));
    }

    @Override
    public Progress progress(String task, long total) {
        return settings.progress().start(task, total);
    }

    @Override
    public void log(String message) {
        settings.log().println("  " + message);
    }

    Recipe recipe() {
        return recipe;
    }

    @Override
    public ai.curator.api.Cancellation cancellation() {
        return settings.cancellation();
    }
}
