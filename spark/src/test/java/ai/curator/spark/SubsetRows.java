package ai.curator.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The rows of a subset as comparable lines: id, count, weight and a score's exact bits (unless score is null). */
final class SubsetRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SubsetRows() {}

    /** One machine's {@code subset.jsonl}. */
    static List<String> file(Path jsonl, String score) throws IOException {
        return read(Stream.of(jsonl), score);
    }

    /** Spark's {@code subset.jsonl/} folder, its part files in order. */
    static List<String> folder(Path dir, String score) throws IOException {
        try (Stream<Path> parts = Files.list(dir)) {
            return read(
                    parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                            .sorted(),
                    score);
        }
    }

    private static List<String> read(Stream<Path> files, String score) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : files.toList()) {
            for (String line : Files.readAllLines(f)) {
                JsonNode n = JSON.readTree(line);
                out.add(n.get("id").asText() + " " + n.get("count").asLong() + " "
                        + n.get("weight").asDouble()
                        + (score == null
                                ? ""
                                : " " + Double.doubleToLongBits(n.get(score).asDouble())));
            }
        }
        return out;
    }
}
