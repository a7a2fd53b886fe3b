package ai.curator.score;

import ai.curator.api.DataException;
import ai.curator.api.StageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The losses a source has fetched, one JSON line per row appended and flushed as each arrives —
 * {@code {"id": "17", "text_sha256": "…", "loss": 1.234, "tokens": 42}} — so that a run that
 * fails (server down, a bad row, a crash) loses nothing and a rerun asks only for the rows
 * missing. A row is reused only when its id and the hash of its prompt and response both match;
 * the file's name carries the source options that determine a loss (model, templates), so a
 * changed model starts a new file. A last line cut short by a crash is ignored, and dropped
 * before the next line is appended.
 */
public final class LossCache implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One cached row. */
    public record Entry(double loss, long tokens) {}

    private final Path file;
    private final Map<String, Entry> entries = new HashMap<>();
    private BufferedWriter out;
    private long tornAt = -1; // start of a last line a crash cut short, dropped before appending

    private LossCache(Path file) {
        this.file = file;
    }

    /**
     * Opens (and reads) the cache file {@code dir/NAME-KEY.jsonl}, KEY a hash of {@code identity}.
     *
     * @param dir the run's work directory (see {@code StageContext.workDir()}); created if missing
     * @param name the source's name
     * @param identity everything that determines a row's loss besides its text (model, server,
     *     templates, options); never a secret
     */
    public static LossCache open(Path dir, String name, String identity) {
        String key = ai.curator.io.FileIo.sha256(identity.getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
        return open(dir.resolve("losses").resolve(name + "-" + key + ".jsonl"));
    }

    /** Opens (and reads) {@code file}. */
    public static LossCache open(Path file) {
        LossCache c = new LossCache(file);
        c.read();
        return c;
    }

    private void read() {
        if (!Files.exists(file)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StageException("Cannot read the loss cache " + file + ": " + e.getMessage(), e);
        }
        int lastNewline = bytes.length - 1;
        while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
            lastNewline--;
        }
        boolean complete = lastNewline == bytes.length - 1;
        // lenient decoding: a crash may cut a character in two
        List<String> lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                double loss = n.get("loss").asDouble(Double.NaN);
                if (!n.path("id").isTextual() || !n.path("text_sha256").isTextual() || !Double.isFinite(loss)) {
                    throw new IOException("missing id, text_sha256 or a finite loss");
                }
                entries.put(
                        key(n.get("id").textValue(), n.get("text_sha256").textValue()),
                        new Entry(loss, n.path("tokens").asLong(0)));
            } catch (IOException | RuntimeException e) {
                if (i == lines.size() - 1 && !complete) {
                    tornAt = lastNewline + 1; // a crash cut it short
                    continue;
                }
                throw new DataException(file + ":" + (i + 1) + ": not a loss cache line (" + e.getMessage()
                        + "); delete the file to fetch every loss again");
            }
        }
    }

    private static String key(String id, String textSha) {
        return id + '\u0000' + textSha;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Rows held. */
    public synchronized int size() {
        return entries.size();
    }

    /** The cached loss of row {@code id} with texts hashing to {@code textSha}, or null. */
    public synchronized Entry get(String id, String textSha) {
        return entries.get(key(id, textSha));
    }

    /** Appends one row's loss and flushes it to the file. */
    public synchronized void put(String id, String textSha, double loss, long tokens) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", id);
        n.put("text_sha256", textSha);
        n.put("loss", loss);
        n.put("tokens", tokens);
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                if (tornAt >= 0) {
                    try (var ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                        ch.truncate(tornAt);
                    }
                    tornAt = -1;
                }
                out = Files.newBufferedWriter(
                        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(JSON.writeValueAsString(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new StageException("Cannot write the loss cache " + file + ": " + e.getMessage(), e);
        }
        entries.put(key(id, textSha), new Entry(loss, tokens));
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new StageException("Cannot close the loss cache " + file + ": " + e.getMessage(), e);
            }
            out = null;
        }
    }
}
