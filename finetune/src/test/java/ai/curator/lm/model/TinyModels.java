package ai.curator.lm.model;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.ModelConfig.Architecture;
import ai.curator.lm.tokenize.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/** Checkpoints with seeded random weights, built in memory, and the golden files of scripts/lm-golden.py. */
public final class TinyModels {
    private TinyModels() {}

    /** Characters of {@link CharTokenizer}: id 3 + index. */
    public static final String CHARS = "abcdefghijklmnopqrstuvwxyz .,!?;:'\n-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** One token per character; 0 padding, 1 BOS, 2 EOS (a stand-in for the model tests, not a real vocabulary). */
    public static final class CharTokenizer implements Tokenizer {
        private final int vocab;

        public CharTokenizer(int vocab) {
            this.vocab = vocab;
        }

        @Override
        public int[] encode(String text) {
            int[] ids = new int[text.length()];
            for (int i = 0; i < text.length(); i++) {
                int c = CHARS.indexOf(text.charAt(i));
                if (c < 0 || c + 3 >= vocab) {
                    throw new IllegalArgumentException("no token for '" + text.charAt(i) + "'");
                }
                ids[i] = c + 3;
            }
            return ids;
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder b = new StringBuilder();
            for (int id : ids) {
                if (id >= 3 && id - 3 < CHARS.length()) {
                    b.append(CHARS.charAt(id - 3));
                }
            }
            return b.toString();
        }

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public int bos() {
            return 1;
        }

        @Override
        public int eos() {
            return 2;
        }
    }

    public static ModelConfig llamaConfig(int layers, int heads, int kvHeads, boolean tied, boolean bias) {
        return new ModelConfig(
                Architecture.LLAMA, 48, 32, 56, layers, heads, kvHeads, 64, 1e-5, 10000, tied, bias, 1, 2);
    }

    public static ModelConfig gpt2Config(int layers) {
        return new ModelConfig(Architecture.GPT2, 48, 32, 128, layers, 4, 4, 64, 1e-5, 10000, true, true, 1, 2);
    }

    /** A checkpoint of {@code config} with N(0, 0.3²) weights (embeddings N(0, 1), norms near 1) from {@code seed}. */
    public static Checkpoint random(ModelConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, Checkpoint.Tensor> t = new HashMap<>();
        int h = c.hiddenSize();
        int i = c.intermediateSize();
        if (c.architecture() == Architecture.LLAMA) {
            int kv = c.numKvHeads() * c.headDim();
            put(t, r, "model.embed_tokens.weight", 1, 0, c.vocabSize(), h);
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "model.layers." + l + ".";
                put(t, r, p + "input_layernorm.weight", 0.1, 1, h);
                put(t, r, p + "post_attention_layernorm.weight", 0.1, 1, h);
                put(t, r, p + "self_attn.q_proj.weight", 0.3, 0, h, h);
                put(t, r, p + "self_attn.k_proj.weight", 0.3, 0, kv, h);
                put(t, r, p + "self_attn.v_proj.weight", 0.3, 0, kv, h);
                if (c.attentionBias()) {
                    put(t, r, p + "self_attn.q_proj.bias", 0.1, 0, h);
                    put(t, r, p + "self_attn.k_proj.bias", 0.1, 0, kv);
                    put(t, r, p + "self_attn.v_proj.bias", 0.1, 0, kv);
                }
                put(t, r, p + "self_attn.o_proj.weight", 0.3, 0, h, h);
                put(t, r, p + "mlp.gate_proj.weight", 0.3, 0, i, h);
                put(t, r, p + "mlp.up_proj.weight", 0.3, 0, i, h);
                put(t, r, p + "mlp.down_proj.weight", 0.3, 0, h, i);
            }
            put(t, r, "model.norm.weight", 0.1, 1, h);
            if (!c.tieWordEmbeddings()) {
                put(t, r, "lm_head.weight", 0.3, 0, c.vocabSize(), h);
            }
        } else {
            put(t, r, "transformer.wte.weight", 1, 0, c.vocabSize(), h);
            put(t, r, "transformer.wpe.weight", 0.5, 0, c.maxPositions(), h);
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "transformer.h." + l + ".";
                put(t, r, p + "ln_1.weight", 0.1, 1, h);
                put(t, r, p + "ln_1.bias", 0.1, 0, h);
                put(t, r, p + "attn.c_attn.weight", 0.3, 0, h, 3 * h);
                put(t, r, p + "attn.c_attn.bias", 0.1, 0, 3 * h);
                put(t, r, p + "attn.c_proj.weight", 0.3, 0, h, h);
                put(t, r, p + "attn.c_proj.bias", 0.1, 0, h);
                put(t, r, p + "ln_2.weight", 0.1, 1, h);
                put(t, r, p + "ln_2.bias", 0.1, 0, h);
                put(t, r, p + "mlp.c_fc.weight", 0.3, 0, h, i);
                put(t, r, p + "mlp.c_fc.bias", 0.1, 0, i);
                put(t, r, p + "mlp.c_proj.weight", 0.3, 0, i, h);
                put(t, r, p + "mlp.c_proj.bias", 0.1, 0, h);
            }
            put(t, r, "transformer.ln_f.weight", 0.1, 1, h);
            put(t, r, "transformer.ln_f.bias", 0.1, 0, h);
        }
        return new Checkpoint(c, t, new CharTokenizer(c.vocabSize()), null, "random(seed " + seed + ")");
    }

    private static void put(
            Map<String, Checkpoint.Tensor> t, Random r, String name, double sd, double mean, int... shape) {
        long[] s = new long[shape.length];
        int n = 1;
        for (int k = 0; k < shape.length; k++) {
            s[k] = shape[k];
            n *= shape[k];
        }
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (mean + sd * r.nextGaussian());
        }
        t.put(name, new Checkpoint.Tensor(s, v));
    }

    /** A golden file of scripts/lm-golden.py: its checkpoint, batch and reference logits. */
    record Golden(Checkpoint checkpoint, int[][] tokens, int[] lengths, float[] logits) {}

    static Golden golden(String resource) {
        try (InputStream in = TinyModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            JsonNode doc = new ObjectMapper().readTree(in);
            JsonNode c = doc.get("config");
            ModelConfig config = new ModelConfig(
                    Architecture.valueOf(c.get("architecture").asText()),
                    c.get("vocab_size").asInt(),
                    c.get("hidden_size").asInt(),
                    c.get("intermediate_size").asInt(),
                    c.get("num_layers").asInt(),
                    c.get("num_heads").asInt(),
                    c.get("num_kv_heads").asInt(),
                    c.get("max_positions").asInt(),
                    c.get("norm_eps").asDouble(),
                    c.get("rope_theta").asDouble(),
                    c.get("tie_word_embeddings").asBoolean(),
                    c.get("attention_bias").asBoolean(),
                    1,
                    2);
            Map<String, Checkpoint.Tensor> tensors = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("tensors").fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode shape = e.getValue().get("shape");
                long[] s = new long[shape.size()];
                for (int k = 0; k < s.length; k++) {
                    s[k] = shape.get(k).asLong();
                }
                tensors.put(
                        e.getKey(), new Checkpoint.Tensor(s, floats(e.getValue().get("data"))));
            }
            JsonNode tok = doc.get("tokens");
            int[][] tokens = new int[tok.size()][];
            int[] lengths = new int[tok.size()];
            for (int b = 0; b < tokens.length; b++) {
                tokens[b] = new int[tok.get(b).size()];
                for (int k = 0; k < tokens[b].length; k++) {
                    tokens[b][k] = tok.get(b).get(k).asInt();
                }
                lengths[b] = doc.get("lengths").get(b).asInt();
            }
            Checkpoint ckpt = new Checkpoint(config, tensors, new CharTokenizer(config.vocabSize()), null, resource);
            return new Golden(ckpt, tokens, lengths, floats(doc.get("logits")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) a.get(k).asDouble();
        }
        return v;
    }
}
