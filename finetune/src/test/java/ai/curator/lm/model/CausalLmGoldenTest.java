package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logits against an independent PyTorch implementation of transformers' forward passes
 * (scripts/lm-golden.py): Llama with grouped-query attention, q/k/v biases (Qwen2) and an untied
 * head; GPT-2 with a tied head. Both on a right-padded batch of two rows.
 */
class CausalLmGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama-golden.json", "gpt2-golden.json"})
    void logitsMatchTheReference(String file) {
        TinyModels.Golden g = TinyModels.golden(file);
        int vocab = g.checkpoint().config().vocabSize();
        try (CausalLm lm = CausalLm.load(g.checkpoint());
                NDManager m = lm.manager().newSubManager()) {
            float[] got = lm.forward(m, CausalLm.Batch.rightPadded(g.tokens(), g.lengths(), lm.config()))
                    .toFloatArray();
            int len = g.tokens()[0].length;
            double worst = 0;
            for (int b = 0; b < g.lengths().length; b++) {
                for (int t = 0; t < g.lengths()[b]; t++) {
                    for (int v = 0; v < vocab; v++) {
                        int k = (b * len + t) * vocab + v;
                        worst = Math.max(worst, Math.abs(got[k] - g.logits()[k]));
                    }
                }
            }
            assertTrue(worst < 1e-4, file + ": max |Δlogit| over real tokens = " + worst);
            // And one row alone, unpadded, through the convenience entry point.
            float[][] single = lm.logits(java.util.Arrays.copyOf(g.tokens()[1], g.lengths()[1]));
            for (int t = 0; t < g.lengths()[1]; t++) {
                float[] ref = java.util.Arrays.copyOfRange(g.logits(), (len + t) * vocab, (len + t + 1) * vocab);
                assertArrayEquals(ref, single[t], 1e-4f, file + " row 1 alone, position " + t);
            }
        }
    }
}
