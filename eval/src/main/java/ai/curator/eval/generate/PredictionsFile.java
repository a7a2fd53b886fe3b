package ai.curator.eval.generate;

import ai.curator.api.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A predictions file: JSON Lines of {@code {"id": …, "prediction": "…"}}, where {@code id} is the
 * test row's id (a string or an integer) and other keys are ignored. Malformed lines and duplicate
 * ids are errors naming file and line.
 *
 * @param file the file
 * @param predictions each id's prediction, in file order
 * @param lines the 1-based line of each id
 */
public record PredictionsFile(Path file, Map<String, String> predictions, Map<String, Long> lines) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads and checks a predictions file. */
    public static PredictionsFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("predictions file " + file + " does not exist");
        }
        Map<String, String> preds = new LinkedHashMap<>();
        Map<String, Long> lines = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            long line = 0;
            while ((s = r.readLine()) != null) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                String where = file + " line " + line;
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (IOException e) {
                    throw new DataException(where + ": not a JSON object: "
                            + e.getMessage().lines().findFirst().orElse(""));
                }
                if (node == null || !node.isObject()) {
                    throw new DataException(where + ": not a JSON object");
                }
                JsonNode id = node.get("id");
                if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
                    throw new DataException(where + ": needs an 'id' (string or integer), found "
                            + (id == null ? "none" : id.toString()));
                }
                JsonNode pred = node.get("prediction");
                if (pred == null || !pred.isTextual()) {
                    throw new DataException(where + " (id " + id.asText() + "): needs a 'prediction' string, found "
                            + (pred == null ? "none" : pred.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
                }
                Long first = lines.putIfAbsent(id.asText(), line);
                if (first != null) {
                    throw new DataException(where + ": duplicate id " + id.asText() + " (first on line " + first + ")");
                }
                preds.put(id.asText(), pred.textValue());
            }
        } catch (IOException e) {
            throw new DataException("cannot read predictions file " + file + ": " + e.getMessage(), e);
        }
        return new PredictionsFile(file, preds, lines);
    }

    /**
     * Checks the ids against the test set: an id that is not a test row is an error; so is a test
     * row (among {@code wanted}) without a prediction, unless {@code allowMissing}.
     *
     * @param known every id of the test file
     * @param wanted the ids to be scored (all, or the first {@code --limit})
     * @return the wanted ids without a prediction (empty unless {@code allowMissing})
     */
    public List<String> check(Set<String> known, Collection<String> wanted, boolean allowMissing, Path testFile) {
        List<String> unknown =
                predictions.keySet().stream().filter(id -> !known.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new DataException(file + " line " + lines.get(unknown.get(0)) + ": id " + unknown.get(0)
                    + " is not a row of " + testFile + " (" + unknown.size() + " unknown ids: " + sample(unknown)
                    + "; ids are the rows' 'id' field, else their 0-based index)");
        }
        List<String> missing =
                wanted.stream().filter(id -> !predictions.containsKey(id)).toList();
        if (!missing.isEmpty() && !allowMissing) {
            throw new DataException(file + ": no prediction for " + missing.size() + " of " + wanted.size()
                    + " test rows (ids " + sample(missing) + "); pass --allow-missing to score the rest");
        }
        return missing;
    }

    /** The first few ids, then a count. */
    public static String sample(List<String> ids) {
        int n = Math.min(5, ids.size());
        String s = String.join(", ", ids.subList(0, n));
        return ids.size() > n ? s + ", … " + (ids.size() - n) + " more" : s;
    }
}
