package ai.curator.pipeline;

import ai.curator.api.Column;
import ai.curator.api.Selection;
import ai.curator.api.Table;
import ai.curator.io.ArrowIo;
import ai.curator.io.AtomicFiles;
import ai.curator.io.FileIo;
import ai.curator.io.RawTable;
import ai.curator.linalg.FloatMatrix;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage's cache directory: its products as Arrow IPC files and a {@code stage.json} record
 * written last. A directory without {@code stage.json}, or whose key differs, is never trusted.
 */
final class StageCache {
    static final String RECORD = "stage.json";
    private static final String LINE_COLUMN = "__curator_source_line";

    private final Path dir;

    StageCache(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The stage record if the stage finished with this key, else null. */
    ObjectNode finished(String key) {
        Path rec = dir.resolve(RECORD);
        if (!Files.isRegularFile(rec)) {
            return null;
        }
        try {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(rec.toFile());
            return key.equals(node.path("key").asText()) ? node : null;
        } catch (IOException | ClassCastException e) {
            return null; // unreadable record: recompute
        }
    }

    void prepare() throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.cleanLeftovers(dir);
    }

    void writeRecord(ObjectNode record) throws IOException {
        AtomicFiles.write(dir.resolve(RECORD), Json.MAPPER.writeValueAsBytes(record));
    }

    // --- table

    void writeTable(Table t) throws IOException {
        List<Column> cols = new ArrayList<>(t.columns());
        long[] lines = new long[t.rows()];
        for (int r = 0; r < t.rows(); r++) {
            lines[r] = t.sourceLine(r);
        }
        cols.add(Column.ofLongs(LINE_COLUMN, lines, null));
        AtomicFiles.write(dir.resolve("table.arrow"), out -> ArrowIo.writeIpc(cols, t.rows(), out));
    }

    Table readTable(String idColumn) {
        RawTable raw = ArrowIo.readIpc(dir.resolve("table.arrow"));
        List<Column> cols = new ArrayList<>();
        long[] lines = null;
        for (Column c : raw.columns()) {
            if (c.name().equals(LINE_COLUMN)) {
                lines = new long[raw.rows()];
                for (int r = 0; r < raw.rows(); r++) {
                    lines[r] = c.int64(r);
                }
            } else {
                cols.add(c);
            }
        }
        return new Table(cols, idColumn, lines);
    }

    // --- embeddings

    void writeEmbeddings(FloatMatrix m) throws IOException {
        AtomicFiles.write(dir.resolve("embeddings.arrow"), out -> ArrowIo.writeMatrix(m, "embedding", out));
    }

    FloatMatrix readEmbeddings() {
        Path f = dir.resolve("embeddings.arrow");
        return Files.exists(f) ? ArrowIo.readMatrix(f) : null;
    }

    // --- scores

    void writeScores(Map<String, double[]> scores) throws IOException {
        if (scores.isEmpty()) {
            return;
        }
        List<Column> cols = new ArrayList<>();
        int n = -1;
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            cols.add(Column.ofDoubles(e.getKey(), e.getValue(), null));
            n = e.getValue().length;
        }
        int rows = n;
        AtomicFiles.write(dir.resolve("scores.arrow"), out -> ArrowIo.writeIpc(cols, rows, out));
    }

    Map<String, double[]> readScores() {
        Map<String, double[]> out = new LinkedHashMap<>();
        Path f = dir.resolve("scores.arrow");
        if (!Files.exists(f)) {
            return out;
        }
        RawTable raw = ArrowIo.readIpc(f);
        for (Column c : raw.columns()) {
            double[] v = new double[raw.rows()];
            for (int r = 0; r < v.length; r++) {
                v[r] = c.number(r);
            }
            out.put(c.name(), v);
        }
        return out;
    }

    // --- selection

    void writeSelection(Selection s) throws IOException {
        long[] rows = new long[s.size()];
        long[] counts = new long[s.size()];
        for (int i = 0; i < s.size(); i++) {
            rows[i] = s.rows()[i];
            counts[i] = s.counts()[i];
        }
        List<Column> cols = List.of(
                Column.ofLongs("row", rows, null),
                Column.ofLongs("count", counts, null),
                Column.ofDoubles("weight", s.weights().clone(), null));
        AtomicFiles.write(dir.resolve("selection.arrow"), out -> ArrowIo.writeIpc(cols, s.size(), out));
    }

    Selection readSelection(String method) {
        Path f = dir.resolve("selection.arrow");
        if (!Files.exists(f)) {
            return null;
        }
        RawTable raw = ArrowIo.readIpc(f);
        int n = raw.rows();
        int[] rows = new int[n];
        int[] counts = new int[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (int) raw.columns().get(0).int64(i);
            counts[i] = (int) raw.columns().get(1).int64(i);
            weights[i] = raw.columns().get(2).number(i);
        }
        return new Selection(rows, counts, weights, method);
    }

    /** True when every output the record lists exists with the recorded sha256. */
    static boolean outputsIntact(ObjectNode record, Path outputDir) {
        for (var o : record.path("outputs")) {
            Path f = outputDir.resolve(o.path("file").asText());
            if (!Files.isRegularFile(f)) {
                return false;
            }
            try {
                if (!FileIo.sha256(f).equals(o.path("sha256").asText())) {
                    return false;
                }
            } catch (UncheckedIOException e) {
                return false;
            }
        }
        return true;
    }
}
