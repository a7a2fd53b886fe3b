package ai.curator.lm;

/**
 * The shape of a decoder-only language model, whatever file it came from. Field meanings follow
 * Hugging Face's {@code config.json} ({@code LlamaConfig}, {@code Qwen2Config}, {@code GPT2Config}).
 *
 * @param architecture {@link Architecture#LLAMA} (Llama, Mistral-style, Qwen2 with {@code
 *     attentionBias}) or {@link Architecture#GPT2}
 * @param vocabSize tokens in the vocabulary, &ge; 1
 * @param hiddenSize model width, a multiple of {@code numHeads}
 * @param intermediateSize feed-forward width (SwiGLU for Llama, 4·hidden usually for GPT-2)
 * @param numLayers decoder blocks, &ge; 1
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention), divides {@code numHeads}; GPT-2:
 *     equal to {@code numHeads}
 * @param maxPositions context length in tokens
 * @param normEps ε of RMSNorm (Llama) or LayerNorm (GPT-2)
 * @param ropeTheta rotary base (Llama; ignored for GPT-2)
 * @param tieWordEmbeddings the output layer is the input embedding (no {@code lm_head.weight})
 * @param attentionBias q/k/v projections have biases (Qwen2)
 * @param bosId beginning-of-sequence token, or -1
 * @param eosId end-of-sequence token, or -1
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int maxPositions,
        double normEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int bosId,
        int eosId) {

    /** The decoder families the model code implements. */
    public enum Architecture {
        LLAMA,
        GPT2
    }

    public ModelConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("max_position_embeddings", maxPositions);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numHeads);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("the norm's epsilon must be > 0, got " + normEps);
        }
        if (architecture == Architecture.LLAMA && (hiddenSize / numHeads) % 2 != 0) {
            throw new IllegalArgumentException(
                    "rotary embeddings need an even head dimension, got " + hiddenSize / numHeads);
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }
}
