package ai.curator.eval.task;

import ai.curator.api.DataException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads the rows of a task's data file: JSON Lines or CSV with a header, each row's fields as text. */
public final class DataRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataRows() {}

    /**
     * One row.
     *
     * @param index 0-based row index in the file
     * @param line 1-based line where the row starts (for error messages)
     * @param fields the row's fields; nested values as JSON text, numbers as their decimal text
     * @param json the row as parsed JSON (JSON Lines only, else {@code null})
     */
    public record Row(int index, long line, Map<String, String> fields, JsonNode json) {}

    /** Reads a {@code .jsonl} or {@code .csv} file. */
    public static List<Row> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(
                    "data file " + file + " does not exist; pass --data FILE or put the shared data folder at "
                            + file.toAbsolutePath().normalize().getParent());
        }
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".csv")) {
            return csv(file);
        }
        return jsonl(file);
    }

    static List<Row> jsonl(Path file) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            long line = 0;
            while ((s = r.readLine()) != null) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (JsonProcessingException e) {
                    throw new DataException(file + " line " + line + ": not a JSON object: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
                }
                if (node == null || !node.isObject()) {
                    throw new DataException(file + " line " + line + ": not a JSON object");
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    JsonNode v = e.getValue();
                    if (!v.isNull()) {
                        fields.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
                    }
                }
                rows.add(new Row(rows.size(), line, fields, node));
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    static List<Row> csv(Path file) {
        List<Row> rows = new ArrayList<>();
        CSVFormat fmt = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser p = CSVParser.parse(r, fmt)) {
            List<String> header = p.getHeaderNames();
            for (CSVRecord rec : p) {
                if (rec.size() != header.size()) {
                    throw new DataException(file + " line " + (rec.getParser().getCurrentLineNumber()) + ": "
                            + rec.size() + " fields, the header has " + header.size());
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    fields.put(header.get(i), rec.get(i));
                }
                rows.add(new Row(rows.size(), rec.getRecordNumber() + 1, fields, null));
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
            throw new DataException("cannot read " + file + " as CSV: " + e.getMessage(), e);
        }
        return rows;
    }

    /** The field's value, or a {@link DataException} naming file, line and field. */
    public static String require(Path file, Row row, String field) {
        String v = row.fields().get(field);
        if (v == null) {
            throw new DataException(file + " line " + row.line() + ": no '" + field + "' field (found: "
                    + String.join(", ", row.fields().keySet()) + ")");
        }
        return v;
    }
}
