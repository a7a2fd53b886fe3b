package ai.curator.lm.pretrain;

import ai.curator.lm.ModelConfig;

/**
 * Parameter counts of a Llama-architecture decoder, to size a model before building it: per layer
 * q, k, v, o projections, a SwiGLU feed-forward (gate, up, down) and two RMSNorm weights; the
 * embedding, a final norm, and an output layer unless tied to the embedding.
 */
public final class ModelSizing {
    private ModelSizing() {}

    /** Parameters of a Llama-architecture {@code config} (biases of Qwen2-style attention included). */
    public static long llamaParameters(ModelConfig c) {
        long h = c.hiddenSize();
        long kv = (long) c.numKvHeads() * c.headDim();
        long perLayer = h * h * 2 + h * kv * 2 + 3L * h * c.intermediateSize() + 2 * h;
        if (c.attentionBias()) {
            perLayer += h + 2 * kv;
        }
        long embed = (long) c.vocabSize() * h;
        return embed + perLayer * c.numLayers() + h + (c.tieWordEmbeddings() ? 0 : embed);
    }
}
