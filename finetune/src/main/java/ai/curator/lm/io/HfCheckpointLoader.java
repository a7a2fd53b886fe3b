package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.HfTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads a Hugging Face checkpoint directory: {@code config.json} ({@code model_type} llama,
 * mistral or qwen2 as {@link ModelConfig.Architecture#LLAMA}, qwen2 with q/k/v biases; gpt2 as
 * {@link ModelConfig.Architecture#GPT2}), the weights from {@code model.safetensors} or the shards
 * named by {@code model.safetensors.index.json} (F32, F16, BF16 read to fp32), {@code
 * tokenizer.json}, the chat template from {@code tokenizer_config.json} (or {@code
 * chat_template.jinja}) and BOS/EOS from {@code config.json}, {@code generation_config.json} or
 * {@code tokenizer_config.json}, in that order.
 *
 * <p>Names are normalised to those documented on {@link Checkpoint}: GPT-2 files that name tensors
 * without the {@code transformer.} prefix get it; non-persistent buffers some files carry ({@code
 * rotary_emb.inv_freq}, GPT-2's {@code attn.bias} and {@code attn.masked_bias}) are dropped, and so is
 * an {@code lm_head.weight} of a tied model.
 */
public final class HfCheckpointLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The model types read, for the message that lists them. */
    public static final String SUPPORTED = "llama, mistral, qwen2, gpt2";

    private HfCheckpointLoader() {}

    /** Loads the checkpoint directory {@code dir}. */
    public static Checkpoint load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataException(
                    dir + ": not a directory (a Hugging Face checkpoint is a directory with config.json,"
                            + " model.safetensors and tokenizer.json)");
        }
        JsonNode cfg = json(dir, "config.json", true);
        JsonNode gen = json(dir, "generation_config.json", false);
        JsonNode tokCfg = json(dir, "tokenizer_config.json", false);
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new DataException(dir + ": tokenizer.json is missing (only the fast-tokenizer file is read;"
                    + " save it with tokenizer.save_pretrained from a PreTrainedTokenizerFast)");
        }
        int bos = specialId(dir, cfg, gen, tokCfg, tokenizerJson, "bos");
        int eos = specialId(dir, cfg, gen, tokCfg, tokenizerJson, "eos");
        ModelConfig config = config(dir.resolve("config.json"), cfg, bos, eos);
        Map<String, Tensor> tensors = normalise(config, weights(dir));
        CheckpointLayout.check(dir.toString(), config, tensors);
        HfTokenizer tokenizer = HfTokenizer.load(tokenizerJson, bos, eos);
        return new Checkpoint(config, tensors, tokenizer, chatTemplate(dir, tokCfg), dir.toString());
    }

    /** The {@link ModelConfig} of a {@code config.json}; a clear error for unsupported model types and options. */
    static ModelConfig config(Path file, JsonNode c, int bos, int eos) {
        String type = c.path("model_type").asText("");
        try {
            switch (type) {
                case "llama", "mistral", "qwen2" -> {
                    if (c.hasNonNull("rope_scaling")) {
                        throw new DataException(file + ": rope_scaling " + c.get("rope_scaling")
                                + " is not supported (plain rotary embeddings only)");
                    }
                    String act = c.path("hidden_act").asText("silu");
                    if (!act.equals("silu")) {
                        throw new DataException(file + ": hidden_act '" + act + "' is not supported (silu)");
                    }
                    int hidden = required(file, c, "hidden_size");
                    int heads = required(file, c, "num_attention_heads");
                    if (c.hasNonNull("head_dim") && c.get("head_dim").asInt() * heads != hidden) {
                        throw new DataException(file + ": head_dim " + c.get("head_dim") + " times num_attention_heads "
                                + heads + " differs from hidden_size " + hidden + " (not supported)");
                    }
                    boolean bias =
                            type.equals("qwen2") || c.path("attention_bias").asBoolean(false);
                    if (c.path("mlp_bias").asBoolean(false)) {
                        throw new DataException(file + ": mlp_bias true is not supported");
                    }
                    return new ModelConfig(
                            ModelConfig.Architecture.LLAMA,
                            required(file, c, "vocab_size"),
                            hidden,
                            required(file, c, "intermediate_size"),
                            required(file, c, "num_hidden_layers"),
                            heads,
                            c.path("num_key_value_heads").asInt(heads),
                            required(file, c, "max_position_embeddings"),
                            c.path("rms_norm_eps").asDouble(1e-6),
                            c.path("rope_theta").asDouble(10000.0),
                            c.path("tie_word_embeddings").asBoolean(false),
                            bias,
                            bos,
                            eos);
                }
                case "gpt2" -> {
                    String act = c.path("activation_function").asText("gelu_new");
                    if (!act.equals("gelu_new")) {
                        throw new DataException(
                                file + ": activation_function '" + act + "' is not supported (gelu_new)");
                    }
                    int hidden = required(file, c, "n_embd");
                    int heads = required(file, c, "n_head");
                    return new ModelConfig(
                            ModelConfig.Architecture.GPT2,
                            required(file, c, "vocab_size"),
                            hidden,
                            c.hasNonNull("n_inner") ? c.get("n_inner").asInt() : 4 * hidden,
                            required(file, c, "n_layer"),
                            heads,
                            heads,
                            required(file, c, "n_positions"),
                            c.path("layer_norm_epsilon").asDouble(1e-5),
                            10000.0,
                            c.path("tie_word_embeddings").asBoolean(true),
                            false,
                            bos,
                            eos);
                }
                default -> throw new DataException(
                        file + ": model_type '" + type + "' is not supported (supported: " + SUPPORTED + ")");
            }
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
    }

    private static int required(Path file, JsonNode c, String key) {
        JsonNode v = c.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new DataException(file + ": '" + key + "' is " + (v == null ? "missing" : "not an integer: " + v));
        }
        return v.asInt();
    }

    /** Every tensor of the directory's safetensors file(s), by their names in the file. */
    static Map<String, Tensor> weights(Path dir) throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Path single = dir.resolve("model.safetensors");
        Map<String, Tensor> all = new LinkedHashMap<>();
        if (Files.isRegularFile(index)) {
            JsonNode map = json(dir, index.getFileName().toString(), true).path("weight_map");
            if (!map.isObject() || map.isEmpty()) {
                throw new DataException(index + ": no weight_map");
            }
            Map<String, List<String>> byShard = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                byShard.computeIfAbsent(e.getValue().asText(), k -> new ArrayList<>())
                        .add(e.getKey());
            }
            for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
                Path f = dir.resolve(shard.getKey()).normalize();
                if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                    throw new DataException(
                            dir + ": shard " + shard.getKey() + " named by " + index.getFileName() + " is missing");
                }
                try (SafetensorsReader r = SafetensorsReader.open(f)) {
                    for (String name : shard.getValue()) {
                        if (!r.entries().containsKey(name)) {
                            throw new DataException(f + ": has no tensor '" + name + "', which " + index.getFileName()
                                    + " places there");
                        }
                        all.put(name, r.read(name));
                    }
                }
            }
            return all;
        }
        if (Files.isRegularFile(single)) {
            return SafetensorsReader.readAll(single);
        }
        String hint = Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                ? " (pytorch_model.bin is there: only safetensors are read; re-save with safe_serialization=True)"
                : "";
        throw new DataException(dir + ": model.safetensors is missing (nor is there a model.safetensors.index.json"
                + " for a sharded checkpoint)" + hint);
    }

    /** The names documented on {@link Checkpoint}. */
    static Map<String, Tensor> normalise(ModelConfig config, Map<String, Tensor> raw) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : raw.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".rotary_emb.inv_freq")
                    || name.endsWith(".attn.bias")
                            && config.architecture() == ModelConfig.Architecture.GPT2
                            && e.getValue().shape().length == 4
                    || name.endsWith(".attn.masked_bias")) {
                continue; // buffers, not weights
            }
            if (config.architecture() == ModelConfig.Architecture.GPT2
                    && !name.startsWith("transformer.")
                    && !name.equals("lm_head.weight")) {
                name = "transformer." + name;
            }
            if (name.equals("lm_head.weight") && config.tieWordEmbeddings()) {
                continue;
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /** BOS or EOS: config.json, generation_config.json, then tokenizer_config.json's token text looked up in tokenizer.json. */
    private static int specialId(
            Path dir, JsonNode cfg, JsonNode gen, JsonNode tokCfg, Path tokenizerJson, String which)
            throws IOException {
        for (JsonNode n : new JsonNode[] {cfg, gen}) {
            JsonNode v = n == null ? null : n.get(which + "_token_id");
            if (v != null && v.isArray() && !v.isEmpty()) {
                v = v.get(0);
            }
            if (v != null && v.canConvertToInt()) {
                return v.asInt();
            }
        }
        if (tokCfg != null) {
            JsonNode t = tokCfg.get(which + "_token");
            String text = t == null
                    ? null
                    : t.isTextual() ? t.asText() : t.path("content").asText(null);
            if (text != null) {
                return HfTokenizer.idOf(tokenizerJson, text);
            }
        }
        return -1;
    }

    private static String chatTemplate(Path dir, JsonNode tokCfg) throws IOException {
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            return Files.readString(jinja, StandardCharsets.UTF_8);
        }
        if (tokCfg == null || !tokCfg.has("chat_template")) {
            return null;
        }
        JsonNode t = tokCfg.get("chat_template");
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isArray()) { // [{name, template}, ...]: the default one
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText())) {
                    return named.path("template").asText();
                }
            }
        }
        return null;
    }

    private static JsonNode json(Path dir, String name, boolean required) throws IOException {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            if (required) {
                throw new DataException(dir + ": " + name + " is missing (a Hugging Face checkpoint directory needs"
                        + " config.json, model.safetensors or model.safetensors.index.json, and tokenizer.json)");
            }
            return null;
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (n == null || !n.isObject()) {
                throw new DataException(f + ": not a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataException(f + ": not valid JSON: " + e.getOriginalMessage());
        }
    }
}
