package ai.curator.io;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Progress;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines (one JSON object per line, {@code .gz} allowed) into columns, one per field in
 * order of first appearance. Blank lines are skipped; a field missing from a row is null there.
 * A line that is not a JSON object is an error naming the file and line.
 */
public final class JsonlReader {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(FileIo.open(path, progress), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
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
}
