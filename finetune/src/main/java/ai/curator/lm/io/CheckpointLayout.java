package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.ModelConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors a {@link ModelConfig} needs, by the names and shapes documented on {@link
 * ai.curator.lm.Checkpoint}, and the check every loader runs: each is present with its shape, and
 * nothing else is there (an unexpected tensor means a model variant the model code would silently
 * mis-run).
 */
public final class CheckpointLayout {
    private CheckpointLayout() {}

    /** Name → shape of every tensor {@code config} needs, in model order. */
    public static Map<String, long[]> expected(ModelConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long v = c.vocabSize();
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        if (c.architecture() == ModelConfig.Architecture.LLAMA) {
            long kv = (long) c.numKvHeads() * c.headDim();
            m.put("model.embed_tokens.weight", new long[] {v, h});
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "model.layers." + l + ".";
                m.put(p + "input_layernorm.weight", new long[] {h});
                m.put(p + "self_attn.q_proj.weight", new long[] {h, h});
                m.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
                m.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
                if (c.attentionBias()) {
                    m.put(p + "self_attn.q_proj.bias", new long[] {h});
                    m.put(p + "self_attn.k_proj.bias", new long[] {kv});
                    m.put(p + "self_attn.v_proj.bias", new long[] {kv});
                }
                m.put(p + "self_attn.o_proj.weight", new long[] {h, h});
                m.put(p + "post_attention_layernorm.weight", new long[] {h});
                m.put(p + "mlp.gate_proj.weight", new long[] {ff, h});
                m.put(p + "mlp.up_proj.weight", new long[] {ff, h});
                m.put(p + "mlp.down_proj.weight", new long[] {h, ff});
            }
            m.put("model.norm.weight", new long[] {h});
            if (!c.tieWordEmbeddings()) {
                m.put("lm_head.weight", new long[] {v, h});
            }
        } else {
            m.put("transformer.wte.weight", new long[] {v, h});
            m.put("transformer.wpe.weight", new long[] {c.maxPositions(), h});
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "transformer.h." + l + ".";
                m.put(p + "ln_1.weight", new long[] {h});
                m.put(p + "ln_1.bias", new long[] {h});
                m.put(p + "attn.c_attn.weight", new long[] {h, 3 * h});
                m.put(p + "attn.c_attn.bias", new long[] {3 * h});
                m.put(p + "attn.c_proj.weight", new long[] {h, h});
                m.put(p + "attn.c_proj.bias", new long[] {h});
                m.put(p + "ln_2.weight", new long[] {h});
                m.put(p + "ln_2.bias", new long[] {h});
                m.put(p + "mlp.c_fc.weight", new long[] {h, ff});
                m.put(p + "mlp.c_fc.bias", new long[] {ff});
                m.put(p + "mlp.c_proj.weight", new long[] {ff, h});
                m.put(p + "mlp.c_proj.bias", new long[] {h});
            }
            m.put("transformer.ln_f.weight", new long[] {h});
            m.put("transformer.ln_f.bias", new long[] {h});
            if (!c.tieWordEmbeddings()) {
                m.put("lm_head.weight", new long[] {v, h});
            }
        }
        return m;
    }

    /**
     * Checks {@code tensors} against {@code config}; a {@link DataException} naming {@code source}
     * and the first missing, misshapen or unexpected tensor.
     */
    public static void check(String source, ModelConfig config, Map<String, Tensor> tensors) {
        Map<String, long[]> want = expected(config);
        for (Map.Entry<String, long[]> e : want.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new DataException(source + ": tensor '" + e.getKey() + "' is missing (a " + config.architecture()
                        + " model of " + config.numLayers() + " layers needs " + want.size() + " tensors)");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new DataException(source + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", the config needs " + Arrays.toString(e.getValue()));
            }
        }
        TreeSet<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(want.keySet());
        if (!extra.isEmpty()) {
            String shown = extra.size() <= 5
                    ? extra.toString()
                    : extra.stream().limit(5).toList() + " and " + (extra.size() - 5) + " more";
            throw new DataException(source + ": unexpected tensor" + (extra.size() > 1 ? "s " : " ") + shown
                    + " for a " + config.architecture() + " model with this config (a variant the model code does not"
                    + " implement?)");
        }
    }
}
