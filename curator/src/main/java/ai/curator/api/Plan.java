package ai.curator.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the stages of a recipe read and produce, checked before any work. The pipeline walks the
 * stages in order; each declares its needs ({@code require*}) and products ({@code produce*}).
 */
public final class Plan {
    private final Integer rows; // null before the data set is loaded
    private final List<String> dataColumns; // null before the data set is loaded
    private final String textTemplate; // dataset.text, or null
    private final String label; // dataset.label, or null
    private final Set<String> scores = new LinkedHashSet<>();
    private final List<String> products = new java.util.ArrayList<>();
    private boolean embeddings;
    private boolean selection;
    private String stageLabel = "";
    private java.nio.file.Path baseDir = java.nio.file.Path.of("").toAbsolutePath();

    /** Sets the directory relative paths in stage options are resolved against (the recipe's). */
    public Plan baseDir(java.nio.file.Path dir) {
        this.baseDir = dir;
        return this;
    }

    /** Resolves a path named in a stage option against the recipe's directory. */
    public java.nio.file.Path resolve(String path) {
        return baseDir.resolve(path).normalize();
    }

    /**
     * @param rows the data set's row count, or null when not yet known
     * @param dataColumns the data set's column names, or null when not yet known
     */
    public Plan(Integer rows, List<String> dataColumns) {
        this(rows, dataColumns, null, null);
    }

    /**
     * @param rows the data set's row count, or null when not yet known
     * @param dataColumns the data set's column names, or null when not yet known
     * @param textTemplate the recipe's {@code dataset.text}, or null when it has none
     * @param label the recipe's {@code dataset.label}, or null when it has none
     */
    public Plan(Integer rows, List<String> dataColumns, String textTemplate, String label) {
        this.rows = rows;
        this.dataColumns = dataColumns == null ? null : List.copyOf(dataColumns);
        this.textTemplate = textTemplate;
        this.label = label;
    }

    /** The recipe's {@code dataset.text} template, or null. */
    public String textTemplate() {
        return textTemplate;
    }

    /** The recipe's {@code dataset.label} column, or null. */
    public String label() {
        return label;
    }

    /** Requires {@code dataset.text}: stages that read row texts (embedders of text) call this. */
    public void requireText() {
        if (textTemplate == null) {
            throw new RecipeException(
                    stageLabel + " reads each row's text; set dataset.text in the recipe, e.g. text: \"{question}\"");
        }
    }

    /** Sets the stage being planned, used in messages, e.g. {@code stages[2] (select: uniform)}. */
    public void enter(String stageLabel) {
        this.stageLabel = stageLabel;
    }

    /** The label of the stage being planned, for messages. */
    public String stage() {
        return stageLabel;
    }

    /** The data set's row count, once known. */
    public OptionalInt rows() {
        return rows == null ? OptionalInt.empty() : OptionalInt.of(rows);
    }

    /** The data set's column names, or null while unknown. */
    public List<String> dataColumns() {
        return dataColumns;
    }

    /** Score columns produced so far. */
    public Set<String> scores() {
        return Set.copyOf(scores);
    }

    public boolean hasEmbeddings() {
        return embeddings;
    }

    public boolean hasSelection() {
        return selection;
    }

    public void produceEmbeddings() {
        embeddings = true;
    }

    public void produceSelection() {
        selection = true;
    }

    /**
     * Declares a product written into the output directory under {@code path} (relative to it),
     * e.g. {@code finetune/model}, so that a later stage can default to it.
     */
    public void produceProduct(String path) {
        products.add(path);
    }

    /** The products declared so far, in stage order (see {@link #produceProduct}). */
    public List<String> products() {
        return List.copyOf(products);
    }

    /** Declares a score column; a second stage writing the same name is an error. */
    public void produceScore(String name) {
        if (!scores.add(name)) {
            throw new RecipeException(stageLabel + " writes score column '" + name
                    + "', which an earlier stage already wrote; " + "give one of them another 'column' name");
        }
        if (dataColumns != null && dataColumns.contains(name)) {
            throw new RecipeException(stageLabel + " writes score column '" + name
                    + "', but the data set already has a column " + "of that name; choose another 'column' name");
        }
    }

    public void requireEmbeddings() {
        if (!embeddings) {
            throw new RecipeException(stageLabel + " needs embeddings; add an 'embed' stage before it");
        }
    }

    public void requireScore(String name) {
        if (!scores.contains(name)) {
            throw new RecipeException(stageLabel + " reads score column '" + name + "', which no earlier stage writes"
                    + (scores.isEmpty() ? "; add a 'score' stage before it" : "; score columns are " + scores));
        }
    }
}
