package ai.curator.lm.train;

import ai.curator.api.DataException;
import ai.curator.io.AtomicFiles;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.io.SafetensorsReader;
import ai.curator.lm.io.SafetensorsWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints in a directory: {@code checkpoint-NNNNNNNN/} holding {@code
 * trainable.safetensors} (the trainable weights), {@code optimizer.safetensors} (AdamW's moments,
 * {@code m.NAME} and {@code v.NAME}) and {@code state.json} (updates done, a fingerprint of the data
 * and options). Each is written under a temporary name and renamed, so a directory with the final
 * name is whole; a run killed mid-write leaves only a temporary directory, removed on the next start.
 * The shuffle order and dropout masks are functions of the seed and the update number, so nothing
 * else needs saving for a bit-identical resume.
 */
final class TrainCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

    /** What a checkpoint holds. */
    record State(long step, Map<String, Tensor> params, Map<String, Tensor> moments) {}

    private final Path dir;
    private final String fingerprint;
    private final int keep;

    TrainCheckpoints(Path dir, String fingerprint, int keep) {
        this.dir = dir;
        this.fingerprint = fingerprint;
        this.keep = keep;
    }

    /** The newest whole checkpoint, or null; a clear error when it belongs to other data or options. */
    State latest() throws IOException {
        AtomicFiles.cleanLeftovers(dir);
        List<Path> all = list();
        if (all.isEmpty()) {
            return null;
        }
        Path last = all.get(all.size() - 1);
        JsonNode state = JSON.readTree(last.resolve("state.json").toFile());
        if (!fingerprint.equals(state.path("fingerprint").asText())) {
            throw new DataException(last + ": this checkpoint was written for other training data or options ("
                    + state.path("fingerprint").asText() + ", this run is " + fingerprint
                    + "); resume with the same inputs, or use a new checkpoint directory");
        }
        return new State(
                state.path("step").asLong(),
                SafetensorsReader.readAll(last.resolve("trainable.safetensors")),
                SafetensorsReader.readAll(last.resolve("optimizer.safetensors")));
    }

    /** Writes the checkpoint after {@code step} updates and drops all but the newest {@code keep}. */
    void save(long step, Map<String, Tensor> params, Map<String, Tensor> moments) throws IOException {
        Path target = dir.resolve(String.format("checkpoint-%08d", step));
        ObjectNode state = JSON.createObjectNode();
        state.put("step", step);
        state.put("fingerprint", fingerprint);
        AtomicFiles.writeVia(target, tmp -> {
            Files.createDirectories(tmp);
            SafetensorsWriter.write(tmp.resolve("trainable.safetensors"), params, Map.of());
            SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), moments, Map.of());
            Files.write(
                    tmp.resolve("state.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        });
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            AtomicFiles.deleteRecursively(all.get(i));
        }
    }

    private List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve("state.json"))) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }
}
