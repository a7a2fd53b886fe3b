package ai.curator.io;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Progress;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines (one JSON object per line, {@code .gz} allowed) into columns, one per field in
 * order of first appearance. Blank lines are skipped; a field missing from a row is null there.
 * A line that is not a JSON object is an error naming the file and line, and so are invalid
 * UTF-8 ({@link FileIo#openText}; a UTF-8 byte-order mark is dropped) and numbers beyond a
 * double's range.
 */
public final class JsonlReader {
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    // a long document in one field is data, not an attack: no 20 M-character cap
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonlReader() {}

    /** The rows of {@code path}: columns and each row's 1-based line number. */
    public static RawTable read(Path path) {
        return read(path, Progress.none());
    }

    /** As {@link #read(Path)}, reporting bytes read to {@code progress}. */
    public static RawTable read(Path path, Progress progress) {
        Map<String, ColumnBuilder> fields = new LinkedHashMap<>();
        List<Long> lines = new ArrayList<>();
        int rows = 0;
        long lineNo = 0;
        try (BufferedReader in = new BufferedReader(FileIo.openText(path, progress), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new DataException(path + ":" + lineNo + ": malformed JSON (" + e.getOriginalMessage() + ")");
                }
                if (node == null || !node.isObject()) {
                    throw new DataException(path + ":" + lineNo + ": expected a JSON object per line, found "
                            + (node == null
                                    ? "nothing"
                                    : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    checkNumbers(e.getValue(), path, lineNo, e.getKey());
                    final int before = rows;
                    fields.computeIfAbsent(e.getKey(), k -> new ColumnBuilder(k, before))
                            .add(e.getValue());
                }
                rows++;
                for (ColumnBuilder b : fields.values()) {
                    if (b.size() < rows) {
                        b.add(null);
                    }
                }
                lines.add(lineNo);
            }
        } catch (IOException e) {
            throw new DataException("Cannot read " + path + ": " + e.getMessage(), e);
        }
        List<Column> columns = new ArrayList<>();
        for (ColumnBuilder b : fields.values()) {
            columns.add(b.build());
        }
        long[] lineArr = lines.stream().mapToLong(Long::longValue).toArray();
        return new RawTable(columns, rows, lineArr);
    }

    /** A number beyond a double's range (1e400) would become infinity without a word: an error. */
    private static void checkNumbers(JsonNode v, Path path, long line, String field) {
        if (v.isFloatingPointNumber()) {
            if (Double.isInfinite(v.doubleValue())) {
                throw new DataException(path + ":" + line + ": field '" + field + "' holds a number beyond the range"
                        + " of a 64-bit float (it would read as " + v.asText()
                        + "); write it as text (quoted) or rescale it");
            }
        } else if (v.isContainerNode()) {
            for (JsonNode x : v) {
                checkNumbers(x, path, line, field);
            }
        }
    }
}
