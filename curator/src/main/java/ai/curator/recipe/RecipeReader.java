package ai.curator.recipe;

import ai.curator.api.RecipeException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a recipe from YAML, strictly: unknown keys, wrong types and malformed YAML fail with a
 * message naming the file, the line and the valid keys. Stage options are kept as written and
 * checked by the pipeline against each stage's options record.
 *
 * <pre>
 * name: quickstart            # optional
 * seed: 42                    # optional, default 42
 * dataset: {path: ../data/x.jsonl, text: "{question}"}
 * stages:
 *   - select: {method: uniform, budget: 100}
 *   - export: {formats: [jsonl, parquet]}
 * output: ../out/quickstart   # optional, default out/&lt;name&gt; next to the recipe; a URI
 *                             # (hdfs://, s3a://, file://) with --engine spark
 * work_dir: ...               # optional, default &lt;output&gt;/.work; a URI (hdfs://) keeps
 *                             # --engine spark's stage cache where every executor sees it
 * </pre>
 */
public final class RecipeReader {
    /** Valid top-level keys. */
    public static final Set<String> TOP_KEYS =
            new TreeSet<>(List.of("name", "seed", "dataset", "stages", "output", "work_dir"));

    /** Valid keys of the dataset section. */
    public static final Set<String> DATASET_KEYS =
            new TreeSet<>(List.of("path", "format", "id", "text", "label", "features", "task", "split"));

    private static final YAMLMapper YAML = new YAMLMapper();

    private RecipeReader() {}

    /** Reads and checks the recipe at {@code file}. */
    public static Recipe read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RecipeException("Recipe '" + file + "' does not exist or is not a file");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RecipeException("Cannot read recipe '" + file + "': " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /**
     * Reads the recipe at {@code file} with the command line's {@code --set} changes applied before
     * it is checked (see {@link RecipeOverrides}). Unless an override sets {@code output}, the
     * output directory gets a suffix naming the set values ({@code out/gsm8k-lowrank__select.budget=6.25%}),
     * so a run with another budget never overwrites this one's outputs; the work directory (stage
     * cache, keyed by content) stays the recipe's, so the runs share their embeddings and losses.
     */
    public static Recipe read(Path file, List<RecipeOverrides.Setting> overrides) {
        Recipe plain = read(file);
        return overrides.isEmpty() ? plain : parse(file, plain.text(), overrides);
    }

    /** Parses recipe {@code text} as if read from {@code file}. */
    public static Recipe parse(Path file, String text) {
        return parse(file, text, List.of());
    }

    /** Parses recipe {@code text} as if read from {@code file}, with {@code overrides} applied. */
    public static Recipe parse(Path file, String text, List<RecipeOverrides.Setting> overrides) {
        JsonNode root;
        Map<String, Integer> lines;
        try {
            root = YAML.readTree(text);
            lines = lineIndex(text);
        } catch (JsonProcessingException e) {
            throw new RecipeException(yamlError(file, e), e);
        }
        Where where = new Where(file, lines);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new RecipeException(file + ": the recipe is empty; it needs at least 'dataset' and 'stages'");
        }
        if (!root.isObject()) {
            throw new RecipeException(file + ": a recipe is a mapping of keys " + TOP_KEYS);
        }
        String plainOutput = optText(root, "output", null, where);
        String plainWork = optText(root, "work_dir", null, where);
        if (!overrides.isEmpty()) {
            RecipeOverrides.apply((ObjectNode) root, overrides, file);
        }
        checkKeys(root, TOP_KEYS, "", "the recipe", where);

        String defaultName = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String name = optText(root, "name", defaultName, where);
        long seed = 42;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw new RecipeException(where.at("/seed") + ": seed must be an integer, got " + s);
            }
            seed = s.longValue();
        }

        if (!root.has("dataset")) {
            throw new RecipeException(file + ": the recipe has no 'dataset' section; add e.g.\n"
                    + "dataset:\n  path: data/train.jsonl\n  text: \"{question}\"");
        }
        JsonNode ds = root.get("dataset");
        if (!ds.isObject()) {
            throw new RecipeException(where.at("/dataset") + ": dataset must be a mapping of " + DATASET_KEYS);
        }
        checkKeys(ds, DATASET_KEYS, "/dataset", "dataset", where);
        DatasetSpec dataset;
        try {
            dataset = Json.MAPPER.treeToValue(ds, DatasetSpec.class);
        } catch (JsonProcessingException e) {
            throw new RecipeException(where.at("/dataset") + ": " + OptionErrors.describe(e, "dataset"), e);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(where.at("/dataset") + ": " + rootMessage(e), e);
        }

        List<StageSpec> stages = new ArrayList<>();
        JsonNode st = root.get("stages");
        if (st == null || st.isNull() || (st.isArray() && st.isEmpty())) {
            throw new RecipeException(file + ": the recipe has no stages; add at least\n"
                    + "stages:\n  - select: {method: uniform, budget: 0.1}\n  - export: {formats: [jsonl]}");
        }
        if (!st.isArray()) {
            throw new RecipeException(
                    where.at("/stages") + ": stages must be a list, e.g. '- select: {method: uniform}'");
        }
        for (int i = 0; i < st.size(); i++) {
            stages.add(stage(i, st.get(i), where));
        }

        Path base = file.toAbsolutePath().getParent();
        String outputText = optText(root, "output", "out/" + name, where);
        String outputUri = null;
        if (Recipe.isUri(outputText)) { // the Spark engine's; work and caches stay local, under out/<name>
            outputUri = outputText;
            outputText = "out/" + name;
        }
        Path output = base.resolve(outputText).normalize();
        String workText = optText(root, "work_dir", null, where);
        String workUri = null;
        if (Recipe.isUri(workText)) { // the Spark engine's stage cache; the driver's own caches stay local
            workUri = workText;
            workText = null;
        }
        Path work = workText != null ? base.resolve(workText).normalize() : output.resolve(".work");
        boolean outputSet = overrides.stream().anyMatch(o -> o.key().equals("output"));
        boolean workSet = overrides.stream().anyMatch(o -> o.key().equals("work_dir"));
        if (!overrides.isEmpty() && !outputSet) {
            if (outputUri != null) {
                outputUri = outputUri + RecipeOverrides.outputSuffix(overrides);
            }
            Path plain = base.resolve(plainOutput != null && !Recipe.isUri(plainOutput) ? plainOutput : "out/" + name)
                    .normalize();
            output = plain.resolveSibling(plain.getFileName() + RecipeOverrides.outputSuffix(overrides));
            if (!workSet) {
                work = plainWork != null && !Recipe.isUri(plainWork)
                        ? base.resolve(plainWork).normalize()
                        : plain.resolve(".work");
            }
        }
        return new Recipe(
                file,
                text,
                name,
                seed,
                dataset,
                stages,
                output,
                work,
                overrides.stream().map(RecipeOverrides.Setting::toString).toList(),
                outputUri,
                workUri);
    }

    private static StageSpec stage(int i, JsonNode entry, Where where) {
        String ptr = "/stages/" + i;
        int line = where.line(ptr);
        if (entry.isTextual()) {
            return new StageSpec(i, entry.textValue(), null, JsonNodeFactory.instance.objectNode(), line);
        }
        if (!entry.isObject() || entry.size() != 1) {
            throw new RecipeException(where.at(ptr)
                    + ": each stage is one 'ROLE: options' entry, e.g. '- select: {method: uniform, budget: 100}'"
                    + (entry.isObject()
                            ? "; found keys " + fieldNames(entry) + " (is an option indented wrongly?)"
                            : ""));
        }
        String role = entry.fieldNames().next();
        JsonNode body = entry.get(role);
        if (body == null || body.isNull()) {
            return new StageSpec(i, role, null, JsonNodeFactory.instance.objectNode(), line);
        }
        if (body.isTextual()) {
            return new StageSpec(i, role, body.textValue(), JsonNodeFactory.instance.objectNode(), line);
        }
        if (!body.isObject()) {
            throw new RecipeException(where.at(ptr) + ": the options of '" + role
                    + "' must be a mapping, e.g. {method: ..., budget: 100}");
        }
        ObjectNode options = ((ObjectNode) body).deepCopy();
        String method = null;
        JsonNode m = options.remove("method");
        if (m != null) {
            if (!m.isTextual()) {
                throw new RecipeException(where.at(ptr + "/" + role + "/method") + ": method must be a name, got " + m);
            }
            method = m.textValue();
        }
        return new StageSpec(i, role, method, options, line);
    }

    private static void checkKeys(JsonNode node, Set<String> valid, String ptr, String what, Where where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!valid.contains(k)) {
                throw new RecipeException(where.at(ptr + "/" + k) + ": unknown key '" + k + "' in " + what
                        + ". Valid keys: " + String.join(", ", valid) + OptionErrors.suggest(k, valid));
            }
        }
    }

    private static String optText(JsonNode root, String key, String dflt, Where where) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual() && !n.isNumber()) {
            throw new RecipeException(where.at("/" + key) + ": " + key + " must be text, got " + n);
        }
        return n.asText();
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Where in the recipe file a JSON pointer lies, for messages. */
    record Where(Path file, Map<String, Integer> lines) {
        int line(String ptr) {
            return lines.getOrDefault(ptr, -1);
        }

        String at(String ptr) {
            int l = line(ptr);
            return file + (l > 0 ? " line " + l : "");
        }
    }

    /** Maps each key and list element's JSON pointer to its 1-based line in the YAML text. */
    static Map<String, Integer> lineIndex(String text) throws JsonProcessingException {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            Deque<Object> path = new ArrayDeque<>(); // String for object keys, int[] for array index
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> {
                        path.removeLast();
                        path.addLast(p.currentName());
                        out.put(pointer(path), p.currentLocation().getLineNr());
                    }
                    case START_OBJECT, START_ARRAY -> {
                        markArrayElement(path, out, p);
                        path.addLast(t == JsonToken.START_ARRAY ? new int[] {-1} : "");
                    }
                    case END_OBJECT, END_ARRAY -> path.removeLast();
                    default -> markArrayElement(path, out, p);
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static void markArrayElement(Deque<Object> path, Map<String, Integer> out, JsonParser p) {
        if (!path.isEmpty() && path.peekLast() instanceof int[] idx) {
            idx[0]++;
            out.put(pointer(path), p.currentTokenLocation().getLineNr());
        }
    }

    private static String pointer(Deque<Object> path) {
        StringBuilder sb = new StringBuilder();
        for (Object o : path) {
            sb.append('/');
            if (o instanceof int[] idx) {
                sb.append(idx[0]);
            } else {
                sb.append(escape((String) o));
            }
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("~", "~0").replace("/", "~1");
    }

    static ObjectMapper yaml() {
        return YAML;
    }

    /**
     * A YAML syntax error at the line to fix: SnakeYAML reports an unclosed {@code [}, <code>{</code> or
     * quote where it noticed it (the next line), so those errors point at the line that opened
     * it; other errors at the problem itself (1-based lines, unlike Jackson's location here).
     */
    static String yamlError(Path file, JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
                var problem = m.getProblemMark();
                var context = m.getContextMark();
                String ctx = m.getContext() == null ? "" : m.getContext();
                boolean opened = context != null
                        && (ctx.contains("flow") || ctx.contains("quoted scalar") || ctx.contains("block scalar"));
                int line = (opened ? context : problem).getLine() + 1;
                StringBuilder sb = new StringBuilder(file + " line " + line + ": not valid YAML: ");
                if (context != null && !ctx.isEmpty()) {
                    sb.append(ctx)
                            .append(" (line ")
                            .append(context.getLine() + 1)
                            .append(", column ")
                            .append(context.getColumn() + 1)
                            .append("): ");
                }
                sb.append(m.getProblem())
                        .append(" (line ")
                        .append(problem.getLine() + 1)
                        .append(", column ")
                        .append(problem.getColumn() + 1)
                        .append(")");
                return sb.toString();
            }
        }
        JsonLocation loc = e.getLocation();
        return file + (loc != null ? " line " + loc.getLineNr() : "") + ": not valid YAML: " + e.getOriginalMessage();
    }
}
