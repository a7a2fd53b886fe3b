package ai.curator.recipe;

import ai.curator.api.RecipeException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line's {@code --set KEY=VALUE} changes to a recipe, applied to its YAML tree before
 * the recipe is checked, so one recipe serves e.g. every budget ({@code select.budget=6.25%}).
 *
 * <p>KEY is a dotted path: a top-level key ({@code seed}, {@code output}, {@code name}, {@code
 * work_dir}), {@code dataset.KEY}, or a stage followed by its option path — the stage by its role
 * when exactly one stage has it ({@code select.budget}) or by index ({@code stages[2].rank}), the
 * options by name, nested with dots ({@code score.loss.source}); {@code method} sets the stage's
 * method. VALUE is read as a YAML value: {@code 7} is a number, {@code 6.25%} text, {@code [jsonl,
 * csv]} a list, {@code {source: column, path: l.jsonl}} a mapping. Stage option names are checked
 * afterwards against the stage's options (an unknown one lists the valid options); a path outside
 * the recipe's keys or stages fails here naming it and the known keys.
 */
public final class RecipeOverrides {
    private static final Pattern STAGE_INDEX = Pattern.compile("stages\\[(\\d+)]");

    private RecipeOverrides() {}

    /** One {@code KEY=VALUE}, split; a missing {@code =} or empty key fails naming the argument. */
    public record Setting(String key, String value) {
        /** Parses {@code KEY=VALUE}. */
        public static Setting parse(String arg) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new RecipeException("--set needs KEY=VALUE (e.g. --set select.budget=6.25%), got '" + arg + "'");
            }
            return new Setting(arg.substring(0, eq).trim(), arg.substring(eq + 1));
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    /**
     * Applies {@code overrides} in order to the recipe tree {@code root} (changed in place).
     *
     * @param file the recipe file, for messages
     * @throws RecipeException naming the {@code --set} argument for an unknown path or a stage role
     *     that is absent or appears more than once
     */
    public static void apply(ObjectNode root, List<Setting> overrides, Path file) {
        for (Setting o : overrides) {
            apply(root, o, file);
        }
    }

    private static void apply(ObjectNode root, Setting o, Path file) {
        String[] parts = o.key().split("\\.", -1);
        for (String p : parts) {
            if (p.isEmpty()) {
                throw new RecipeException("--set " + o + ": empty name in the dotted path '" + o.key() + "'");
            }
        }
        JsonNode value = value(o.value());
        String head = parts[0];
        Matcher m = STAGE_INDEX.matcher(head);
        if (m.matches() || !RecipeReader.TOP_KEYS.contains(head) || head.equals("stages")) {
            ObjectNode options = stageOptions(root, o, head, m.matches() ? Integer.parseInt(m.group(1)) : -1, file);
            if (parts.length == 1) {
                throw new RecipeException("--set " + o + ": name an option of the stage, e.g. " + head + ".budget=...");
            }
            set(options, parts, 1, value, o, null);
            return;
        }
        if (head.equals("dataset")) {
            JsonNode ds = root.get("dataset");
            if (!(ds instanceof ObjectNode dso)) {
                throw new RecipeException("--set " + o + ": " + file + " has no dataset mapping to change");
            }
            if (parts.length != 2) {
                throw new RecipeException(
                        "--set " + o + ": dataset keys are " + String.join(", ", RecipeReader.DATASET_KEYS));
            }
            set(dso, parts, 1, value, o, RecipeReader.DATASET_KEYS);
            return;
        }
        if (parts.length != 1) {
            throw new RecipeException(
                    "--set " + o + ": '" + head + "' is a single value; known keys: " + knownKeys(root));
        }
        root.set(head, value);
    }

    private static ObjectNode stageOptions(ObjectNode root, Setting o, String head, int index, Path file) {
        JsonNode st = root.get("stages");
        if (!(st instanceof ArrayNode stages)) {
            throw new RecipeException("--set " + o + ": " + file + " has no stages list");
        }
        if (head.equals("stages")) {
            throw new RecipeException("--set " + o + ": name a stage by index (stages[2].rank=8) or by role");
        }
        int at = index;
        if (at >= stages.size()) {
            throw new RecipeException("--set " + o + ": " + file + " has " + stages.size()
                    + " stages (stages[0] to stages[" + (stages.size() - 1) + "])");
        }
        if (at < 0) {
            List<Integer> hits = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                if (stages.get(i).isObject() && stages.get(i).has(head)
                        || stages.get(i).isTextual()
                                && stages.get(i).textValue().equals(head)) {
                    hits.add(i);
                }
            }
            if (hits.isEmpty()) {
                throw new RecipeException("--set " + o + ": unknown key '" + head + "'; known: " + knownKeys(root));
            }
            if (hits.size() > 1) {
                throw new RecipeException("--set " + o + ": " + hits.size() + " stages have role '" + head + "' (stages"
                        + hits + "); name one by index, e.g. stages[" + hits.get(0) + "]."
                        + o.key().substring(head.length() + 1) + "=" + o.value());
            }
            at = hits.get(0);
        }
        JsonNode entry = stages.get(at);
        if (entry.isTextual()) { // "- select" with no options
            ObjectNode e = JsonNodeFactory.instance.objectNode();
            e.putObject(entry.textValue());
            stages.set(at, e);
            entry = e;
        }
        if (!(entry instanceof ObjectNode eo) || eo.size() != 1) {
            throw new RecipeException("--set " + o + ": stages[" + at + "] is not a 'ROLE: options' entry");
        }
        String role = eo.fieldNames().next();
        JsonNode body = eo.get(role);
        if (body == null || body.isNull()) {
            return eo.putObject(role);
        }
        if (body.isTextual()) { // "- embed: encoder"
            ObjectNode b = eo.putObject(role);
            b.put("method", body.textValue());
            return b;
        }
        if (!(body instanceof ObjectNode bo)) {
            throw new RecipeException("--set " + o + ": the options of stages[" + at + "] are not a mapping");
        }
        return bo;
    }

    private static void set(ObjectNode node, String[] parts, int i, JsonNode value, Setting o, Set<String> valid) {
        String k = parts[i];
        if (valid != null && !valid.contains(k)) {
            throw new RecipeException("--set " + o + ": unknown key '" + k + "'; known: " + String.join(", ", valid)
                    + OptionErrors.suggest(k, valid));
        }
        if (i == parts.length - 1) {
            node.set(k, value);
            return;
        }
        JsonNode child = node.get(k);
        if (child == null || child.isNull() || child.isTextual()) {
            ObjectNode c = JsonNodeFactory.instance.objectNode();
            if (child != null && child.isTextual()) {
                c.put("source", child.textValue()); // a shorthand ("loss: NAME") opened up
            }
            node.set(k, c);
            child = c;
        }
        if (!(child instanceof ObjectNode co)) {
            throw new RecipeException("--set " + o + ": '" + String.join(".", java.util.Arrays.copyOf(parts, i + 1))
                    + "' holds " + child + ", not a mapping");
        }
        set(co, parts, i + 1, value, o, null);
    }

    private static String knownKeys(ObjectNode root) {
        Set<String> keys = new TreeSet<>(RecipeReader.TOP_KEYS);
        keys.remove("stages");
        JsonNode st = root.get("stages");
        if (st != null && st.isArray()) {
            for (int i = 0; i < st.size(); i++) {
                keys.add("stages[" + i + "]");
                JsonNode e = st.get(i);
                if (e.isObject() && e.size() == 1) {
                    keys.add(e.fieldNames().next());
                } else if (e.isTextual()) {
                    keys.add(e.textValue());
                }
            }
        }
        return String.join(", ", keys);
    }

    /** VALUE as YAML (a number, text, list or mapping); text when it is not valid YAML. */
    static JsonNode value(String text) {
        if (text.isBlank()) {
            return TextNode.valueOf(text);
        }
        try {
            JsonNode n = RecipeReader.yaml().readTree(text);
            return n == null || n.isMissingNode() ? TextNode.valueOf(text) : n;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /**
     * A directory-name suffix saying which values were set ({@code select.budget=6.25%} gives
     * {@code __select.budget=6.25%}), so that runs with different values do not share outputs;
     * characters other than letters, digits and {@code .%=+-} become {@code _}.
     */
    public static String outputSuffix(List<Setting> overrides) {
        StringBuilder sb = new StringBuilder();
        for (Setting o : overrides) {
            sb.append("__").append(o.toString().replaceAll("[^A-Za-z0-9.%=+\\-]", "_"));
        }
        return sb.toString();
    }
}
