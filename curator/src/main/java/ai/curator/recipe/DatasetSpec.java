package ai.curator.recipe;

import java.util.List;

/**
 * The {@code dataset} section of a recipe: which file to load and how to read its rows.
 *
 * @param path the data file; relative paths are resolved against the recipe's directory
 * @param format {@code auto} (default: from the file name), {@code jsonl}, {@code csv}, {@code
 *     tsv}, {@code parquet} or {@code arrow}
 * @param id the column holding each row's stable id; default: a column named {@code id} if there
 *     is one, else the 0-based row index
 * @param text template of each row's text for embedding, e.g. {@code "{question}\n{answer}"};
 *     a chat {@code messages} field renders role by role. Default: none (tabular data)
 * @param label tabular data: the label column (e.g. {@code target}); default none
 * @param features tabular data: feature columns; default every numeric column except id and label
 */
public record DatasetSpec(String path, String format, String id, String text, String label, List<String> features) {

    public DatasetSpec {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("dataset.path is required: the data file to load");
        }
        format = format == null ? "auto" : format;
        features = features == null ? null : List.copyOf(features);
    }
}
