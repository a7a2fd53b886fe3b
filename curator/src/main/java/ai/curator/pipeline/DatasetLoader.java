package ai.curator.pipeline;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.EvalTask;
import ai.curator.api.Progress;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.io.ArrowIo;
import ai.curator.io.DataFormat;
import ai.curator.io.DelimitedReader;
import ai.curator.io.FileIo;
import ai.curator.io.JsonlReader;
import ai.curator.io.RawTable;
import ai.curator.recipe.DatasetSpec;
import ai.curator.recipe.TextTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The load stage: reads the recipe's data set into a {@link Table} and checks it — not empty,
 * ids present and unique, template fields present in every row, tabular label and feature
 * columns numeric and finite — so that bad data fails before any expensive stage.
 */
public final class DatasetLoader {
    private DatasetLoader() {}

    /** Reads and checks the data set of {@code spec} at {@code path}. */
    public static Table load(DatasetSpec spec, Path path) {
        return load(spec, path, new ProgressBars(false, System.err));
    }

    /** As {@link #load(DatasetSpec, Path)}, with progress bars over the bytes read. */
    public static Table load(DatasetSpec spec, Path path, ProgressBars bars) {
        FileIo.requireReadableFile(path, "Data file");
        if (spec.task() != null) {
            return loadTask(spec, path);
        }
        DataFormat format = DataFormat.of(spec.format(), path);
        long size = path.toFile().length();
        String name = path.getFileName().toString();
        RawTable raw;
        switch (format) {
            case JSONL -> {
                try (Progress p = bars.start("read " + name, size)) {
                    raw = JsonlReader.read(path, p);
                }
            }
            case CSV, TSV -> {
                try (Progress p = bars.start("read " + name + " (2 passes)", 2 * size)) {
                    raw = DelimitedReader.read(
                            path,
                            format == DataFormat.TSV,
                            p,
                            p,
                            java.util.Set.of(spec.id() == null ? "id" : spec.id()));
                }
            }
            case PARQUET -> raw = ArrowIo.readParquet(path);
            case ARROW -> raw = ArrowIo.readIpc(path);
            default -> throw new IllegalStateException(format.toString());
        }
        if (raw.rows() == 0) {
            throw new DataException("Data file '" + path + "' has no rows; point dataset.path at a non-empty "
                    + format.key() + " file");
        }
        if (raw.columns().isEmpty()) {
            throw new DataException("Data file '" + path + "' has rows but no fields");
        }
        List<String> names = new ArrayList<>();
        raw.columns().forEach(c -> names.add(c.name()));

        String idColumn = spec.id();
        if (idColumn != null && !names.contains(idColumn)) {
            throw new RecipeException("dataset.id names column '" + idColumn + "', which " + path
                    + " does not have; its columns are " + names);
        }
        if (idColumn == null && names.contains("id")) {
            idColumn = "id";
        }
        Table table = new Table(raw.columns(), idColumn, raw.lines());
        if (idColumn != null) {
            checkIds(table, path);
        }
        if (spec.text() != null) {
            new TextTemplate(spec.text()).check(table, path.toString());
        }
        if (spec.label() != null || spec.features() != null) {
            checkTabular(spec, table, path);
        }
        return table;
    }

    /** Names of the text columns a task data set adds to each row's raw fields. */
    public static final String PROMPT = "prompt", RESPONSE = "response", ID = "id";

    /**
     * A task's file read by the task itself ({@link EvalTask#examples}): column {@code id} (the
     * task's id rule), the raw fields as text (sorted by name; absent fields are null), then
     * {@code prompt} (the user turn as the task renders it for generation) and {@code response}
     * (the reference answer), so the text embedded and scored is the text trained on and evaluated.
     */
    private static Table loadTask(DatasetSpec spec, Path path) {
        EvalTask task = EvalTask.named(spec.task());
        task.split(spec.split()); // an unknown split fails, listing the known ones
        List<EvalTask.Example> examples = task.examples(path);
        if (examples.isEmpty()) {
            throw new DataException("Data file '" + path + "' has no rows of task " + task.name());
        }
        int n = examples.size();
        Map<String, String[]> raw = new java.util.TreeMap<>(); // sorted: Example.fields has no stable order
        String[] ids = new String[n];
        String[] prompts = new String[n];
        String[] responses = new String[n];
        for (int r = 0; r < n; r++) {
            EvalTask.Example e = examples.get(r);
            ids[r] = e.id();
            prompts[r] = e.promptText();
            responses[r] = e.reference();
            for (Map.Entry<String, String> f : e.fields().entrySet()) {
                raw.computeIfAbsent(f.getKey(), k -> new String[n])[r] = f.getValue();
            }
        }
        List<Column> cols = new ArrayList<>();
        cols.add(Column.ofStrings(ID, ids));
        for (Map.Entry<String, String[]> f : raw.entrySet()) {
            String name = f.getKey();
            if (name.equals(ID)) {
                continue; // the task's id rule already took it
            }
            if (name.equals(PROMPT) || name.equals(RESPONSE)) {
                name = "raw_" + name; // the derived columns keep their names; the raw field moves aside
            }
            cols.add(Column.ofStrings(name, f.getValue()));
        }
        cols.add(Column.ofStrings(PROMPT, prompts));
        cols.add(Column.ofStrings(RESPONSE, responses));
        Table table = new Table(cols, ID, null);
        checkIds(table, path);
        if (spec.text() != null) {
            new TextTemplate(spec.text()).check(table, path.toString());
        }
        return table;
    }

    private static void checkIds(Table table, Path path) {
        Column ids = table.column(table.idColumn());
        if (ids.type() == Column.Type.JSON && scalars(ids)) {
            int num = -1;
            int txt = -1;
            for (int r = 0; r < table.rows() && (num < 0 || txt < 0); r++) {
                if (!ids.isNull(r)) {
                    if (ids.text(r).startsWith("\"")) {
                        txt = txt < 0 ? r : txt;
                    } else {
                        num = num < 0 ? r : num;
                    }
                }
            }
            throw new DataException("Id column '" + ids.name() + "' of " + path + " mixes numbers and text ("
                    + (num >= 0 ? ids.text(num) + " at " + where(path, table, num) : "")
                    + (num >= 0 && txt >= 0 ? ", " : "")
                    + (txt >= 0 ? ids.text(txt) + " at " + where(path, table, txt) : "")
                    + "), so 1 and \"1\" would be two ids; write every id the same way");
        }
        if (ids.type() == Column.Type.FLOAT64 || ids.type() == Column.Type.JSON || ids.type() == Column.Type.BOOL) {
            throw new DataException("Id column '" + ids.name() + "' of " + path + " holds "
                    + ids.type().name().toLowerCase(java.util.Locale.ROOT)
                    + " values; ids must be text or integers"
                    + (ids.type() == Column.Type.FLOAT64
                            ? " (integers beyond ±9.2e18 are read as floats and would lose digits: quote them)"
                            : "")
                    + " (set dataset.id to another column, or leave it unset to use row numbers)");
        }
        Map<String, Integer> seen = new HashMap<>(table.rows() * 2);
        for (int r = 0; r < table.rows(); r++) {
            if (ids.isNull(r)) {
                throw new DataException(
                        where(path, table, r) + ": row " + r + " has no id in column '" + ids.name() + "'");
            }
            Integer first = seen.putIfAbsent(ids.text(r), r);
            if (first != null) {
                throw new DataException(where(path, table, r) + ": duplicate id '" + ids.text(r) + "' (first at "
                        + where(path, table, first) + "); ids must be unique");
            }
        }
    }

    /** A JSON column whose values are all numbers, strings or booleans (a mixed scalar column). */
    private static boolean scalars(Column c) {
        for (int r = 0; r < c.size(); r++) {
            if (!c.isNull(r)) {
                String t = c.text(r);
                if (t.startsWith("{") || t.startsWith("[")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void checkTabular(DatasetSpec spec, Table table, Path path) {
        String label = spec.label();
        if (label != null && !table.hasColumn(label)) {
            throw new RecipeException("dataset.label names column '" + label + "', which " + path
                    + " does not have; its columns are " + table.columnNames());
        }
        for (String f : defaultFeatures(spec, table, false, path)) {
            if (!table.hasColumn(f)) {
                throw new RecipeException("dataset.features names column '" + f + "', which " + path
                        + " does not have; its columns are " + table.columnNames());
            }
            Column c = table.column(f);
            if (!c.type().isNumeric()) {
                int bad = firstNonNumeric(c);
                throw new DataException(where(path, table, bad) + ": feature column '" + f + "' is not numeric (row "
                        + bad + " has '" + c.text(bad) + "'); drop it from dataset.features or encode it as numbers");
            }
            for (int r = 0; r < table.rows(); r++) {
                double v = c.number(r);
                if (!Double.isFinite(v)) {
                    throw new DataException(where(path, table, r) + ": feature '" + f + "' is "
                            + (c.isNull(r) ? "missing" : Double.toString(v)) + " in row " + r
                            + "; features must be finite numbers (impute or drop such rows first)");
                }
            }
        }
        if (label != null) {
            Column c = table.column(label);
            for (int r = 0; r < table.rows(); r++) {
                if (c.isNull(r)) {
                    throw new DataException(
                            where(path, table, r) + ": row " + r + " has no label in column '" + label + "'");
                }
            }
        }
    }

    /**
     * The feature columns of a tabular data set: as listed, or every numeric column but id and
     * label. A text column whose values are mostly numbers (a stray {@code "?"} or {@code "n/a"}
     * in a numeric column) is an error naming its first non-number, not a column silently left
     * out of the default features.
     */
    public static List<String> featureColumns(DatasetSpec spec, Table table) {
        return defaultFeatures(spec, table, true, null);
    }

    /** As {@link #featureColumns(DatasetSpec, Table)}, naming {@code path} in errors. */
    public static List<String> featureColumns(DatasetSpec spec, Table table, Path path) {
        return defaultFeatures(spec, table, true, path);
    }

    /**
     * The load stage checks the default features without the text-column check: with a label
     * and an encoder, a mostly numeric text column is no feature and no error.
     */
    private static List<String> defaultFeatures(DatasetSpec spec, Table table, boolean strict, Path path) {
        if (spec.features() != null) {
            return spec.features();
        }
        List<String> out = new ArrayList<>();
        for (Column c : table.columns()) {
            if (c.name().equals(spec.label()) || c.name().equals(table.idColumn())) {
                continue;
            }
            if (c.type().isNumeric()) {
                out.add(c.name());
            } else if (strict && c.type() == Column.Type.STRING) {
                checkNotMostlyNumeric(c, table, path);
            }
        }
        return out;
    }

    private static void checkNotMostlyNumeric(Column c, Table table, Path path) {
        int numbers = 0;
        int texts = 0;
        int firstText = -1;
        for (int r = 0; r < c.size(); r++) {
            if (c.isNull(r)) {
                continue;
            }
            if (isNumber(c.text(r))) {
                numbers++;
            } else {
                texts++;
                if (firstText < 0) {
                    firstText = r;
                }
            }
        }
        if (numbers > 0 && numbers >= texts) {
            String at = firstText < 0
                    ? ""
                    : " (first at " + where(path, table, firstText) + ": '" + c.text(firstText) + "')";
            throw new DataException("Column '" + c.name() + "'" + (path == null ? "" : " of " + path) + " holds "
                    + numbers + " number" + (numbers == 1 ? "" : "s") + " and " + texts + " non-numeric value"
                    + (texts == 1 ? "" : "s") + at + ", so it is read as text and would be left out of the "
                    + "features; fix those cells (leave a missing value empty), or list dataset.features without it");
        }
    }

    private static boolean isNumber(String t) {
        try {
            return Double.isFinite(Double.parseDouble(t.strip()));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int firstNonNumeric(Column c) {
        for (int r = 0; r < c.size(); r++) {
            if (!c.isNull(r)) {
                String t = c.text(r);
                try {
                    Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    return r;
                }
            }
        }
        return 0;
    }

    private static String where(Path path, Table table, int row) {
        long line = table.sourceLine(row);
        if (path == null) {
            return line > 0 ? "line " + line : "row " + row;
        }
        return path + (line > 0 ? ":" + line : " (row " + row + ")");
    }
}
