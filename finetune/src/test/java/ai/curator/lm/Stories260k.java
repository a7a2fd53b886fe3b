package ai.curator.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Test fixture: the real stories260K model ({@code ../shared/models/stories260K}, see its
 * PROVENANCE.md) and the golden output of {@code src/test/python/stories260k_reference.py}
 * ({@code /golden/stories260k.json}: prompt, prompt_ids, logits_ids, logits[position][512],
 * greedy_ids, greedy_text; documented in the script's header).
 */
public final class Stories260k {
    /** System property or environment variable naming the model directory, overriding the search. */
    public static final String PROPERTY = "curator.stories260k";

    private Stories260k() {}

    /**
     * The model directory; the calling test is skipped, with the reason, when it is absent. Looked
     * up at {@code -Dcurator.stories260k}, {@code $CURATOR_STORIES260K}, then {@code
     * shared/models/stories260K} in the parents of the working directory (the module directory
     * under Maven).
     */
    public static Path path() {
        Path found = find();
        Assumptions.assumeTrue(
                found != null,
                "stories260K not found: set -D" + PROPERTY + "=DIR or put it at ../shared/models/stories260K");
        return found;
    }

    /** {@code stories260K.gguf}, or a skip. */
    public static Path gguf() {
        return path().resolve("stories260K.gguf");
    }

    /** {@code stories260K.bin}, or a skip. */
    public static Path llama2c() {
        return path().resolve("stories260K.bin");
    }

    /** {@code tok512.bin}, or a skip. */
    public static Path tokenizer() {
        return path().resolve("tok512.bin");
    }

    static Path find() {
        String given = System.getProperty(PROPERTY, System.getenv("CURATOR_STORIES260K"));
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            return Files.isRegularFile(p.resolve("stories260K.bin")) ? p : null;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/models/stories260K");
            if (Files.isRegularFile(p.resolve("stories260K.bin"))) {
                return p;
            }
        }
        return null;
    }

    /** The golden file written by the Python reference. */
    public static JsonNode golden() {
        try (InputStream in = Stories260k.class.getResourceAsStream("/golden/stories260k.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An int array of a golden JSON array. */
    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** The golden logits, [position][vocab], for the ids {@code golden().get("logits_ids")}. */
    public static float[][] logits() {
        JsonNode rows = golden().get("logits");
        List<float[]> out = new ArrayList<>();
        for (JsonNode row : rows) {
            float[] r = new float[row.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) row.get(i).asDouble();
            }
            out.add(r);
        }
        return out.toArray(new float[0][]);
    }
}
