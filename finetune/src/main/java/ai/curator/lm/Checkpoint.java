package ai.curator.lm;

import ai.curator.lm.tokenize.Tokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded model: its shape, its weights under Hugging Face's tensor names, and its tokenizer.
 * Every loader (Hugging Face directory, GGUF, llama2.c) produces this one form, so the model code
 * reads one layout.
 *
 * <p>Names and layouts are those of {@code transformers}: for Llama {@code
 * model.embed_tokens.weight} [vocab, hidden], {@code model.layers.N.self_attn.{q,k,v,o}_proj.weight}
 * [out, in] with q/k rows in Hugging Face's rotary order (the "rotate half" convention; loaders of
 * GGUF and llama2.c files, which store Meta's interleaved order, permute them), {@code
 * model.layers.N.{input_layernorm,post_attention_layernorm}.weight}, {@code
 * model.layers.N.mlp.{gate,up,down}_proj.weight}, {@code model.norm.weight}, {@code lm_head.weight}
 * (absent when tied); for GPT-2 {@code transformer.wte.weight}, {@code transformer.wpe.weight},
 * {@code transformer.h.N.{ln_1,attn.c_attn,attn.c_proj,ln_2,mlp.c_fc,mlp.c_proj}.{weight,bias}}
 * (Conv1D weights [in, out]), {@code transformer.ln_f.{weight,bias}}.
 *
 * @param config the model's shape
 * @param tensors weights by name, fp32, row-major
 * @param tokenizer the model's tokenizer
 * @param chatTemplate the Jinja chat template from {@code tokenizer_config.json}, or null when the
 *     checkpoint has none
 * @param source where it was loaded from, for messages and provenance
 */
public record Checkpoint(
        ModelConfig config, Map<String, Tensor> tensors, Tokenizer tokenizer, String chatTemplate, String source) {

    public Checkpoint {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tokenizer, "tokenizer");
        tensors = Map.copyOf(tensors);
    }

    /** The named tensor; a clear error naming the checkpoint when it is missing. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(source + " has no tensor '" + name + "'");
        }
        return t;
    }

    /**
     * A dense fp32 tensor.
     *
     * @param shape dimensions, outermost first
     * @param data row-major values, {@code product(shape)} of them
     */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
            }
        }
    }
}
