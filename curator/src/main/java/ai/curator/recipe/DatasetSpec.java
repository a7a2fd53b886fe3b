package ai.curator.recipe;

import java.util.List;

/**
 * The {@code dataset} section of a recipe: which file to load and how to read its rows.
 *
 * @param path the data file; relative paths are resolved against the recipe's directory. Optional
 *     with {@code task}: default the task split's file under the data root (the {@code
 *     curator.data} system property, else {@code ../shared/data} against the working directory, as
 *     {@code curator eval} resolves it)
 * @param format {@code auto} (default: from the file name), {@code jsonl}, {@code csv}, {@code
 *     tsv}, {@code parquet} or {@code arrow}
 * @param id the column holding each row's stable id; default: a column named {@code id} if there
 *     is one, else the 0-based row index. With {@code task}: the task's own id rule (column {@code id})
 * @param text template of each row's text for embedding, e.g. {@code "{question}\n{answer}"};
 *     a chat {@code messages} field renders role by role. Default: none (tabular data)
 * @param label tabular data: the label column (e.g. {@code target}); default none
 * @param features tabular data: feature columns; default every numeric column except id and label
 * @param task an evaluation task ({@code gsm8k}, {@code viggo}, {@code sql}; registered by the eval
 *     module): rows are read by the task, which adds the text columns {@code prompt} (the user turn
 *     exactly as the task renders it) and {@code response} (the reference answer) next to the raw
 *     fields; default none (a plain data file)
 * @param split with {@code task}: the task's split to load; default {@code train}
 */
public record DatasetSpec(
        String path,
        String format,
        String id,
        String text,
        String label,
        List<String> features,
        String task,
        String split) {

    public DatasetSpec {
        if (task == null && (path == null || path.isBlank())) {
            throw new IllegalArgumentException(
                    "dataset.path is required: the data file to load (or dataset.task: an evaluation task's split)");
        }
        if (task == null && split != null) {
            throw new IllegalArgumentException(
                    "dataset.split needs dataset.task (the evaluation task whose split '" + split + "' to load)");
        }
        if (task != null && (label != null || features != null)) {
            throw new IllegalArgumentException(
                    "dataset.task loads text data; dataset.label and dataset.features are for tabular files");
        }
        if (task != null && id != null) {
            throw new IllegalArgumentException(
                    "dataset.id cannot be set with dataset.task: the task's id rule gives column 'id'");
        }
        if (task != null && split == null) {
            split = "train";
        }
        format = format == null ? "auto" : format;
        features = features == null ? null : List.copyOf(features);
    }

    /** A plain data file (no evaluation task). */
    public DatasetSpec(String path, String format, String id, String text, String label, List<String> features) {
        this(path, format, id, text, label, features, null, null);
    }
}
