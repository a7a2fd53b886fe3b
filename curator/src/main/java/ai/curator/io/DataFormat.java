package ai.curator.io;

import ai.curator.api.RecipeException;
import java.nio.file.Path;
import java.util.Locale;

/** The file formats curator reads and writes. */
public enum DataFormat {
    JSONL,
    CSV,
    TSV,
    PARQUET,
    ARROW;

    /** The recipe name of the format. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named in a recipe, or, for {@code auto} or null, the one the file name implies. */
    public static DataFormat of(String name, Path path) {
        if (name == null || name.equalsIgnoreCase("auto")) {
            return fromExtension(path);
        }
        for (DataFormat f : values()) {
            if (f.key().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new RecipeException("Unknown format '" + name + "'; formats are auto, jsonl, csv, tsv, parquet, arrow");
    }

    /** The format a file name implies ({@code .jsonl .ndjson .csv .tsv}, each also {@code .gz}; {@code .parquet .arrow .feather .ipc}). */
    public static DataFormat fromExtension(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSONL;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".parquet") || name.endsWith(".pq")) {
            return PARQUET;
        }
        if (name.endsWith(".arrow") || name.endsWith(".feather") || name.endsWith(".ipc")) {
            return ARROW;
        }
        throw new RecipeException("Cannot tell the format of '" + path
                + "' from its name; set dataset.format to one of " + "jsonl, csv, tsv, parquet, arrow");
    }
}
