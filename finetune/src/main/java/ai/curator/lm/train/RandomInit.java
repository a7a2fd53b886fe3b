package ai.curator.lm.train;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.ModelConfig.Architecture;
import ai.curator.lm.tokenize.Tokenizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A freshly initialised checkpoint, the start of pre-training with {@link Trainer#full}: weights as
 * {@code transformers} initialises them ({@code _init_weights}): linear and embedding weights
 * N(0, 0.02²), biases 0, norm weights 1 (and LayerNorm biases 0); for GPT-2 the residual output
 * projections ({@code attn.c_proj}, {@code mlp.c_proj}) N(0, (0.02/√(2·layers))²) as GPT-2's paper
 * prescribes. Drawn from one seeded {@link Random} in a fixed order, so a seed gives one model.
 */
public final class RandomInit {
    /** transformers' {@code initializer_range} default. */
    public static final double STD = 0.02;

    private RandomInit() {}

    /** A checkpoint of {@code config} with fresh weights from {@code seed}, using {@code tokenizer}. */
    public static Checkpoint checkpoint(ModelConfig config, Tokenizer tokenizer, long seed) {
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                    + " tokens, more than the config's vocab_size " + config.vocabSize());
        }
        Random r = new Random(seed);
        Map<String, Checkpoint.Tensor> t = new LinkedHashMap<>();
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        if (config.architecture() == Architecture.LLAMA) {
            int kv = config.numKvHeads() * config.headDim();
            normal(t, r, "model.embed_tokens.weight", STD, config.vocabSize(), h);
            for (int l = 0; l < config.numLayers(); l++) {
                String p = "model.layers." + l + ".";
                ones(t, p + "input_layernorm.weight", h);
                ones(t, p + "post_attention_layernorm.weight", h);
                normal(t, r, p + "self_attn.q_proj.weight", STD, h, h);
                normal(t, r, p + "self_attn.k_proj.weight", STD, kv, h);
                normal(t, r, p + "self_attn.v_proj.weight", STD, kv, h);
                if (config.attentionBias()) {
                    zeros(t, p + "self_attn.q_proj.bias", h);
                    zeros(t, p + "self_attn.k_proj.bias", kv);
                    zeros(t, p + "self_attn.v_proj.bias", kv);
                }
                normal(t, r, p + "self_attn.o_proj.weight", STD, h, h);
                normal(t, r, p + "mlp.gate_proj.weight", STD, i, h);
                normal(t, r, p + "mlp.up_proj.weight", STD, i, h);
                normal(t, r, p + "mlp.down_proj.weight", STD, h, i);
            }
            ones(t, "model.norm.weight", h);
            if (!config.tieWordEmbeddings()) {
                normal(t, r, "lm_head.weight", STD, config.vocabSize(), h);
            }
        } else {
            double resid = STD / Math.sqrt(2.0 * config.numLayers());
            normal(t, r, "transformer.wte.weight", STD, config.vocabSize(), h);
            normal(t, r, "transformer.wpe.weight", STD, config.maxPositions(), h);
            for (int l = 0; l < config.numLayers(); l++) {
                String p = "transformer.h." + l + ".";
                ones(t, p + "ln_1.weight", h);
                zeros(t, p + "ln_1.bias", h);
                normal(t, r, p + "attn.c_attn.weight", STD, h, 3 * h);
                zeros(t, p + "attn.c_attn.bias", 3 * h);
                normal(t, r, p + "attn.c_proj.weight", resid, h, h);
                zeros(t, p + "attn.c_proj.bias", h);
                ones(t, p + "ln_2.weight", h);
                zeros(t, p + "ln_2.bias", h);
                normal(t, r, p + "mlp.c_fc.weight", STD, h, i);
                zeros(t, p + "mlp.c_fc.bias", i);
                normal(t, r, p + "mlp.c_proj.weight", resid, i, h);
                zeros(t, p + "mlp.c_proj.bias", h);
            }
            ones(t, "transformer.ln_f.weight", h);
            zeros(t, "transformer.ln_f.bias", h);
            if (!config.tieWordEmbeddings()) {
                normal(t, r, "lm_head.weight", STD, config.vocabSize(), h);
            }
        }
        return new Checkpoint(config, t, tokenizer, null, "random init (seed " + seed + ")");
    }

    private static void normal(Map<String, Checkpoint.Tensor> t, Random r, String name, double sd, int... shape) {
        float[] v = new float[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (sd * r.nextGaussian());
        }
        t.put(name, new Checkpoint.Tensor(longs(shape), v));
    }

    private static void ones(Map<String, Checkpoint.Tensor> t, String name, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        t.put(name, new Checkpoint.Tensor(new long[] {n}, v));
    }

    private static void zeros(Map<String, Checkpoint.Tensor> t, String name, int n) {
        t.put(name, new Checkpoint.Tensor(new long[] {n}, new float[n]));
    }

    private static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    private static long[] longs(int... shape) {
        long[] s = new long[shape.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = shape[k];
        }
        return s;
    }
}
