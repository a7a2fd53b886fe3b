package ai.curator.eval.run;

import ai.curator.api.DataException;
import ai.curator.api.Generator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The predictions of a run, kept in {@code predictions.jsonl} ({@code {"id", "prediction"}} per
 * line, the same format {@code --predictions} reads): every finished prediction is appended and
 * flushed as it arrives, so a run that is interrupted keeps all it finished and a rerun asks only
 * for the rest. A last line cut short by a kill is dropped when the file is opened again.
 */
public final class PredictionStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, String> done = Collections.synchronizedMap(new LinkedHashMap<>());
    private final BufferedWriter out;

    /** Opens (or creates) the store, reading what an earlier run finished. */
    public PredictionStore(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                load();
            }
            out = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    private void load() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) { // a line cut short by a kill: drop it before appending
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(lines[i]);
            } catch (IOException e) {
                throw new DataException(
                        file + " line " + (i + 1) + ": not a JSON object; remove the file to start over");
            }
            if (n == null || !n.path("id").isTextual() || !n.path("prediction").isTextual()) {
                throw new DataException(file + " line " + (i + 1) + ": needs 'id' and 'prediction' strings");
            }
            done.put(n.get("id").textValue(), n.get("prediction").textValue());
        }
    }

    /** The predictions finished so far, by id. */
    public Map<String, String> done() {
        synchronized (done) {
            return Map.copyOf(done);
        }
    }

    /** Appends one finished prediction and flushes it to the file (safe from several threads). */
    public void append(Generator.Completion c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", c.id());
        n.put("prediction", c.text());
        synchronized (done) {
            if (done.containsKey(c.id())) {
                return;
            }
            try {
                out.write(JSON.writeValueAsString(n));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file, e);
            }
            done.put(c.id(), c.text());
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
