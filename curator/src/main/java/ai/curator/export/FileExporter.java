package ai.curator.export;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Column;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.StageException;
import ai.curator.api.Table;
import ai.curator.io.ArrowIo;
import ai.curator.io.AtomicFiles;
import ai.curator.io.DataFormat;
import ai.curator.io.FileIo;
import ai.curator.io.JsonlWriter;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the selected rows to files — JSON Lines, Parquet and/or Arrow IPC — each with a {@code
 * <file>.provenance.json} beside it.
 *
 * <p>Columns: {@code id} first (the id column's values, or the row index), then every original
 * field as read, then {@code weight} (weight of one copy), {@code count} (copies drawn), every
 * score column, and {@code method} (the selection method). Rows keep input order. Every file is
 * written to a temporary name and renamed, so a killed run never leaves a half-written output.
 */
public final class FileExporter implements Stage {

    /**
     * Options of {@code export: files} (the default export method).
     *
     * @param formats any of {@code jsonl}, {@code parquet}, {@code arrow}; default [jsonl, parquet]
     * @param name base name of the files; default {@code subset}
     * @param columnPrefix prefix of the added columns (id, weight, count, method) when the data
     *     already has columns of those names; default none
     */
    public record Options(List<String> formats, String name, String columnPrefix) {
        public Options {
            formats = formats == null ? List.of("jsonl", "parquet") : List.copyOf(formats);
            if (formats.isEmpty()) {
                throw new IllegalArgumentException("export.formats must name at least one of jsonl, parquet, arrow");
            }
            for (String f : formats) {
                if (!List.of("jsonl", "parquet", "arrow").contains(f)) {
                    throw new IllegalArgumentException(
                            "export.formats: unknown format '" + f + "'; formats are jsonl, parquet, arrow");
                }
            }
            if (new HashSet<>(formats).size() != formats.size()) {
                throw new IllegalArgumentException("export.formats lists a format twice: " + formats);
            }
            name = name == null ? "subset" : name;
            if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException(
                        "export.name must be a plain file name without '/' or a leading '.', got '" + name + "'");
            }
            columnPrefix = columnPrefix == null ? "" : columnPrefix;
        }
    }

    /** Registers {@code export: files}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "export",
                    "files",
                    "write the selected rows with id, weight, count and scores as JSONL / Parquet / Arrow IPC, with provenance",
                    Options.class,
                    FileExporter::new);
        }
    }

    private final Options options;

    public FileExporter(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        List<String> data = plan.dataColumns();
        if (data == null) {
            return;
        }
        String p = options.columnPrefix();
        List<String> added = new ArrayList<>(List.of(p + "weight", p + "count", p + "method"));
        added.addAll(plan.scores());
        for (String a : added) {
            if (data.contains(a)) {
                throw new RecipeException(
                        plan.stage() + ": the data set has a column '" + a + "', which export also writes; "
                                + "set export's column_prefix (e.g. 'curator_') or rename the column");
            }
        }
    }

    @Override
    public void run(StageContext ctx) {
        Table table = ctx.table();
        Selection sel = ctx.selection().orElse(Selection.all(table.rows()));
        List<Column> columns = columns(table, sel, ctx.scores(), options.columnPrefix());
        int rows = sel.size();
        for (String f : options.formats()) {
            DataFormat format = DataFormat.of(f, Path.of("x." + f));
            Path file = ctx.outputDir().resolve(options.name() + "." + f);
            try {
                switch (format) {
                    case JSONL -> AtomicFiles.write(file, out -> JsonlWriter.write(columns, rows, out));
                    case ARROW -> AtomicFiles.write(file, out -> ArrowIo.writeIpc(columns, rows, out));
                    case PARQUET -> AtomicFiles.writeVia(file, tmp -> ArrowIo.writeParquet(columns, rows, tmp));
                    default -> throw new IllegalStateException(f);
                }
                ObjectNode prov = ctx.provenance();
                ObjectNode o = prov.putObject("output");
                o.put("file", file.getFileName().toString());
                o.put("format", f);
                o.put("rows", rows);
                o.put("draws", sel.draws());
                o.put("method", sel.method());
                o.set(
                        "columns",
                        Json.MAPPER.valueToTree(
                                columns.stream().map(Column::name).toList()));
                o.put("sha256", FileIo.sha256(file));
                Path provFile = file.resolveSibling(file.getFileName() + ".provenance.json");
                AtomicFiles.write(provFile, Json.MAPPER.writeValueAsBytes(prov));
                ctx.addOutput(file);
                ctx.addOutput(provFile);
            } catch (IOException e) {
                throw new StageException("Cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** The output columns for the selected rows. */
    static List<Column> columns(Table table, Selection sel, Map<String, double[]> scores, String prefix) {
        int[] rows = sel.rows();
        List<Column> out = new ArrayList<>();
        String idName = prefix + "id";
        Set<String> names = new HashSet<>(table.columnNames());
        if (table.idColumn() == null || !table.idColumn().equals(idName)) {
            if (names.contains(idName)) {
                throw new RecipeException("The data set has a column '" + idName
                        + "' that is not its id column (dataset.id is '" + table.idColumn()
                        + "'); set export's column_prefix (e.g. 'curator_') or rename the column");
            }
            if (table.idColumn() == null) {
                long[] ids = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    ids[i] = rows[i];
                }
                out.add(Column.ofLongs(idName, ids, null));
            } else {
                out.add(table.column(table.idColumn()).select(rows).renamed(idName));
            }
        }
        for (Column c : table.columns()) {
            out.add(c.select(rows));
        }
        int[] counts = sel.counts();
        long[] countsL = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            countsL[i] = counts[i];
        }
        out.add(Column.ofDoubles(prefix + "weight", sel.weights().clone(), null));
        out.add(Column.ofLongs(prefix + "count", countsL, null));
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] v = e.getValue();
            double[] picked = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                picked[i] = v[rows[i]];
            }
            out.add(Column.ofDoubles(e.getKey(), picked, null));
        }
        String[] method = new String[rows.length];
        Arrays.fill(method, sel.method());
        out.add(Column.ofStrings(prefix + "method", method));
        return out;
    }
}
