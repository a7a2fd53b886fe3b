package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer.TokenType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a llama-architecture GGUF file into a {@link Checkpoint}: the config from the {@code
 * llama.*} metadata, the tensors renamed from llama.cpp's names to Hugging Face's ({@code
 * token_embd} → {@code model.embed_tokens}, {@code blk.N.attn_q} → {@code
 * model.layers.N.self_attn.q_proj}, {@code ffn_gate/up/down} → {@code mlp.gate/up/down_proj},
 * {@code attn_norm} → {@code input_layernorm}, {@code ffn_norm} → {@code
 * post_attention_layernorm}, {@code output_norm} → {@code model.norm}, {@code output} → {@code
 * lm_head}), q and k rows permuted from llama.cpp's interleaved rotary order to Hugging Face's
 * (see {@link RotaryPermutation}), and the SentencePiece vocabulary ({@code tokenizer.ggml.model}
 * "llama": tokens, scores, token types, BOS/EOS/unknown ids).
 *
 * <p>An {@code output} tensor that is absent, or equal bit for bit to {@code token_embd} (converters
 * write a tied matrix twice), makes a tied checkpoint: no {@code lm_head.weight}.
 */
public final class GgufCheckpointLoader {
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.(\\w+)\\.(weight|bias)");
    private static final Map<String, String> BLOCK_NAMES = Map.of(
            "attn_q", "self_attn.q_proj",
            "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj",
            "attn_output", "self_attn.o_proj",
            "attn_norm", "input_layernorm",
            "ffn_norm", "post_attention_layernorm",
            "ffn_gate", "mlp.gate_proj",
            "ffn_up", "mlp.up_proj",
            "ffn_down", "mlp.down_proj");

    private GgufCheckpointLoader() {}

    /** Loads {@code file}; a {@link DataException} naming the file and the key or tensor at fault. */
    public static Checkpoint load(Path file) throws IOException {
        GgufFile g = GgufFile.open(file);
        Map<String, Object> m = g.metadata();
        String arch = string(g, "general.architecture");
        if (!arch.equals("llama")) {
            throw new DataException(file + ": GGUF architecture '" + arch
                    + "' is not supported (supported: llama, which covers Llama, Mistral and TinyLlama files)");
        }
        Object scaling = m.get("llama.rope.scaling.type");
        if (scaling != null && !"none".equals(scaling)) {
            throw new DataException(
                    file + ": llama.rope.scaling.type '" + scaling + "' is not supported (plain rotary only)");
        }
        if (m.containsKey("llama.rope.freq_factors") || g.tensors().containsKey("rope_freqs.weight")) {
            throw new DataException(file + ": rope frequency factors (Llama 3.1 rope scaling) are not supported");
        }
        List<?> tokens = list(g, "tokenizer.ggml.tokens");
        int hidden = integer(g, "llama.embedding_length", null);
        int heads = integer(g, "llama.attention.head_count", null);
        int kvHeads = integer(g, "llama.attention.head_count_kv", heads);
        int vocab = integer(g, "llama.vocab_size", tokens.size());
        int headDim = hidden / Math.max(heads, 1);
        int ropeDims = integer(g, "llama.rope.dimension_count", headDim);
        if (ropeDims != headDim) {
            throw new DataException(file + ": llama.rope.dimension_count " + ropeDims + " differs from the head size "
                    + headDim + " (partial rotary embeddings are not supported)");
        }
        Object eps = m.get("llama.attention.layer_norm_rms_epsilon");
        Object theta = m.getOrDefault("llama.rope.freq_base", 10000.0);
        if (!(eps instanceof Double) || !(theta instanceof Double)) {
            throw new DataException(file + ": llama.attention.layer_norm_rms_epsilon and llama.rope.freq_base must be"
                    + " floats, found " + eps + " and " + theta);
        }
        boolean outputPresent = g.tensors().containsKey("output.weight");
        boolean tied = !outputPresent || Arrays.equals(g.read("output.weight"), g.read("token_embd.weight"));
        ModelConfig config;
        try {
            config = new ModelConfig(
                    ModelConfig.Architecture.LLAMA,
                    vocab,
                    hidden,
                    integer(g, "llama.feed_forward_length", null),
                    integer(g, "llama.block_count", null),
                    heads,
                    kvHeads,
                    integer(g, "llama.context_length", null),
                    (Double) eps,
                    (Double) theta,
                    tied,
                    false,
                    integer(g, "tokenizer.ggml.bos_token_id", -1),
                    integer(g, "tokenizer.ggml.eos_token_id", -1));
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (GgufFile.TensorInfo t : g.tensors().values()) {
            String name = hfName(t.name());
            if (name.equals("lm_head.weight") && tied) {
                continue;
            }
            float[] data = g.read(t.name());
            if (name.endsWith("self_attn.q_proj.weight")) {
                data = permute(file, t, data, heads, headDim);
            } else if (name.endsWith("self_attn.k_proj.weight")) {
                data = permute(file, t, data, kvHeads, headDim);
            }
            tensors.put(name, new Tensor(t.shape(), data));
        }
        CheckpointLayout.check(file.toString(), config, tensors);
        SentencePieceBpeTokenizer tokenizer = tokenizer(g, tokens, config);
        Object template = m.get("tokenizer.chat_template");
        return new Checkpoint(config, tensors, tokenizer, template instanceof String s ? s : null, file.toString());
    }

    /** Hugging Face's name of a llama.cpp tensor name; unknown names come back unchanged (and are then rejected). */
    static String hfName(String gguf) {
        switch (gguf) {
            case "token_embd.weight":
                return "model.embed_tokens.weight";
            case "output_norm.weight":
                return "model.norm.weight";
            case "output.weight":
                return "lm_head.weight";
            default:
                Matcher mt = BLOCK.matcher(gguf);
                if (mt.matches() && BLOCK_NAMES.containsKey(mt.group(2))) {
                    return "model.layers." + mt.group(1) + "." + BLOCK_NAMES.get(mt.group(2)) + "." + mt.group(3);
                }
                return gguf;
        }
    }

    private static float[] permute(Path file, GgufFile.TensorInfo t, float[] data, int heads, int headDim) {
        long[] s = t.shape();
        if (s.length != 2 || s[0] != (long) heads * headDim) {
            throw new DataException(file + ": tensor '" + t.name() + "' has shape " + Arrays.toString(s)
                    + ", expected [" + (long) heads * headDim + ", hidden]");
        }
        return RotaryPermutation.interleavedToHalf(data, heads, headDim, (int) s[1]);
    }

    private static SentencePieceBpeTokenizer tokenizer(GgufFile g, List<?> tokens, ModelConfig config) {
        Path file = g.path();
        Object model = g.metadata().get("tokenizer.ggml.model");
        if (!"llama".equals(model)) {
            throw new DataException(file + ": tokenizer.ggml.model '" + model
                    + "' is not supported (supported: llama, SentencePiece BPE; byte-level 'gpt2' BPE vocabularies are"
                    + " not implemented)");
        }
        if (tokens.size() != config.vocabSize()) {
            throw new DataException(file + ": tokenizer.ggml.tokens has " + tokens.size()
                    + " tokens, the model's vocabulary " + config.vocabSize());
        }
        List<String> pieces = new ArrayList<>(tokens.size());
        for (Object o : tokens) {
            pieces.add(String.valueOf(o));
        }
        float[] scores = new float[pieces.size()];
        List<?> sc = g.metadata().get("tokenizer.ggml.scores") instanceof List<?> l ? l : null;
        if (sc == null || sc.size() != pieces.size()) {
            throw new DataException(file + ": tokenizer.ggml.scores is missing or not one score per token");
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = ((Number) sc.get(i)).floatValue();
        }
        List<TokenType> types = new ArrayList<>(pieces.size());
        List<?> ty = g.metadata().get("tokenizer.ggml.token_type") instanceof List<?> l ? l : null;
        for (int i = 0; i < pieces.size(); i++) {
            if (ty != null && ty.size() == pieces.size()) {
                try {
                    types.add(TokenType.ofGguf(((Number) ty.get(i)).intValue()));
                } catch (IllegalArgumentException e) {
                    throw new DataException(file + ": tokenizer.ggml.token_type of token " + i + ": " + e.getMessage());
                }
            } else {
                types.add(TokenType.NORMAL);
            }
        }
        int unk = integer(g, "tokenizer.ggml.unknown_token_id", -1);
        try {
            return new SentencePieceBpeTokenizer(pieces, scores, types, config.bosId(), config.eosId(), unk);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
    }

    private static String string(GgufFile g, String key) {
        Object v = g.metadata().get(key);
        if (!(v instanceof String s)) {
            throw new DataException(
                    g.path() + ": metadata '" + key + "' is " + (v == null ? "missing" : "not a string: " + v));
        }
        return s;
    }

    private static List<?> list(GgufFile g, String key) {
        Object v = g.metadata().get(key);
        if (!(v instanceof List<?> l)) {
            throw new DataException(
                    g.path() + ": metadata '" + key + "' is " + (v == null ? "missing" : "not an array"));
        }
        return l;
    }

    /** An integer key; {@code fallback} when absent (null: required); GGUF's unsigned -1 (0xFFFFFFFF) reads as -1. */
    private static int integer(GgufFile g, String key, Integer fallback) {
        Object v = g.metadata().get(key);
        if (v == null) {
            if (fallback == null) {
                throw new DataException(g.path() + ": metadata '" + key + "' is missing");
            }
            return fallback;
        }
        if (!(v instanceof Long l)) {
            throw new DataException(g.path() + ": metadata '" + key + "' is not an integer: " + v);
        }
        if (l == 0xffffffffL || l == -1) {
            return -1;
        }
        if (l < 0 || l > Integer.MAX_VALUE) {
            throw new DataException(g.path() + ": metadata '" + key + "' is out of range: " + l);
        }
        return (int) (long) l;
    }
}
