package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The forward pass on tiny random checkpoints: shapes, causality, padding, the KV cache. */
class CausalLmTest {
    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("llama MHA tied", TinyModels.llamaConfig(2, 4, 4, true, false)),
                Arguments.of("llama GQA 4/2 untied", TinyModels.llamaConfig(2, 4, 2, false, false)),
                Arguments.of("qwen2-like GQA 4/1 biases", TinyModels.llamaConfig(2, 4, 1, false, true)),
                Arguments.of("gpt2", TinyModels.gpt2Config(2)));
    }

    private static final int[] SEQ = {1, 7, 12, 30, 4, 9, 41, 22, 3, 15, 8, 27};

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void shapesAndFiniteLogits(String name, ModelConfig c) {
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 1));
                NDManager m = lm.manager().newSubManager()) {
            NDArray logits =
                    lm.forward(m, CausalLm.Batch.rightPadded(new int[][] {SEQ, {1, 5, 6, 0}}, new int[] {12, 3}, c));
            assertArrayEquals(
                    new long[] {2, 12, c.vocabSize()}, logits.getShape().getShape());
            for (float f : logits.toFloatArray()) {
                assertTrue(Float.isFinite(f), name);
            }
            float[][] one = lm.logits(SEQ);
            assertEquals(12, one.length);
            assertEquals(c.vocabSize(), one[0].length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aFutureTokenLeavesEarlierLogitsUnchanged(String name, ModelConfig c) {
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 2))) {
            float[][] a = lm.logits(SEQ);
            int[] changed = SEQ.clone();
            changed[7] = 44;
            float[][] b = lm.logits(changed);
            for (int t = 0; t < 7; t++) {
                assertArrayEquals(a[t], b[t], 1e-6f, name + ": position " + t);
            }
            assertTrue(maxDiff(a[7], b[7]) > 1e-3, name + ": the changed position's logits changed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void paddedBatchEqualsEachRowAlone(String name, ModelConfig c) {
        int[][] rows = {SEQ, {1, 20, 21, 22, 23}, {1, 40}};
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 3));
                NDManager m = lm.manager().newSubManager()) {
            int len = SEQ.length;
            int[][] padded = new int[rows.length][];
            int[] lengths = new int[rows.length];
            for (int b = 0; b < rows.length; b++) {
                padded[b] = Arrays.copyOf(rows[b], len);
                Arrays.fill(padded[b], rows[b].length, len, 17); // a real id as padding: it must not matter
                lengths[b] = rows[b].length;
            }
            float[] batched = lm.forward(m, CausalLm.Batch.rightPadded(padded, lengths, c))
                    .toFloatArray();
            int v = c.vocabSize();
            for (int b = 0; b < rows.length; b++) {
                float[][] alone = lm.logits(rows[b]);
                for (int t = 0; t < rows[b].length; t++) {
                    float[] got = Arrays.copyOfRange(batched, (b * len + t) * v, (b * len + t + 1) * v);
                    assertArrayEquals(alone[t], got, 1e-4f, name + ": row " + b + " position " + t);
                }
            }
            // Left padding with per-row positions gives the same logits too.
            CausalLm.Batch left = CausalLm.Batch.leftPadded(List.of(rows), c);
            float[] leftLogits = lm.forward(m, left).toFloatArray();
            for (int b = 0; b < rows.length; b++) {
                float[][] alone = lm.logits(rows[b]);
                int pad = len - rows[b].length;
                for (int t = 0; t < rows[b].length; t++) {
                    int k = b * len + pad + t;
                    assertArrayEquals(
                            alone[t],
                            Arrays.copyOfRange(leftLogits, k * v, (k + 1) * v),
                            1e-4f,
                            name + ": left-padded row " + b + " position " + t);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void cachedStepsEqualTheFullForward(String name, ModelConfig c) {
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 4));
                KvCache cache = lm.newCache(1)) {
            float[][] full = lm.logits(SEQ);
            // A 5-token prefill, then one token per step.
            int t = 0;
            for (int step : new int[] {5, 1, 1, 2, 1, 1, 1}) {
                int[][] ids = {Arrays.copyOfRange(SEQ, t, t + step)};
                int[][] pos = {new int[step]};
                boolean[][] valid = {new boolean[step]};
                for (int k = 0; k < step; k++) {
                    pos[0][k] = t + k;
                    valid[0][k] = true;
                }
                try (NDManager m = lm.manager().newSubManager()) {
                    float[] got = lm.head(lm.hidden(m, new CausalLm.Batch(ids, pos, valid), cache))
                            .toFloatArray();
                    for (int k = 0; k < step; k++) {
                        float[] row = Arrays.copyOfRange(got, k * c.vocabSize(), (k + 1) * c.vocabSize());
                        assertArrayEquals(full[t + k], row, 1e-4f, name + ": position " + (t + k));
                    }
                }
                t += step;
            }
            assertEquals(SEQ.length, cache.length());
        }
    }

    @Test
    void theHeadIsTheEmbeddingWhenTied() {
        Checkpoint ckpt = TinyModels.random(TinyModels.llamaConfig(1, 4, 2, true, false), 5);
        try (CausalLm lm = CausalLm.load(ckpt)) {
            assertArrayEquals(
                    ckpt.tensor("model.embed_tokens.weight").data(),
                    lm.headWeight().toFloatArray());
        }
        Checkpoint untied = TinyModels.random(TinyModels.llamaConfig(1, 4, 2, false, false), 5);
        try (CausalLm lm = CausalLm.load(untied)) {
            assertArrayEquals(
                    untied.tensor("lm_head.weight").data(), lm.headWeight().toFloatArray());
        }
    }

    @Test
    void badCheckpointsAndInputsNameWhatIsWrong() {
        ModelConfig c = TinyModels.llamaConfig(1, 4, 2, false, false);
        Checkpoint ok = TinyModels.random(c, 6);
        Map<String, Checkpoint.Tensor> t = new HashMap<>(ok.tensors());
        t.remove("lm_head.weight");
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> CausalLm.load(new Checkpoint(c, t, ok.tokenizer(), null, "x.gguf")));
        assertTrue(e.getMessage().contains("x.gguf") && e.getMessage().contains("lm_head.weight"), e.getMessage());
        t.put("lm_head.weight", new Checkpoint.Tensor(new long[] {32, 48}, new float[32 * 48]));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CausalLm.load(new Checkpoint(c, t, ok.tokenizer(), null, "x.gguf")));
        assertTrue(e.getMessage().contains("[32, 48]") && e.getMessage().contains("[48, 32]"), e.getMessage());
        try (CausalLm lm = CausalLm.load(ok)) {
            e = assertThrows(IllegalArgumentException.class, () -> lm.logits(new int[] {1, 48}));
            assertTrue(e.getMessage().contains("token id 48 at 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> lm.logits(new int[65]));
            assertTrue(e.getMessage().contains("65 tokens") && e.getMessage().contains("64"), e.getMessage());
        }
    }

    @Test
    void aProjectionDeltaIsAddedToItsOutput() {
        ModelConfig c = TinyModels.llamaConfig(1, 4, 2, false, false);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 7))) {
            float[][] base = lm.logits(SEQ);
            Projection down = lm.projections().get("model.layers.0.mlp.down_proj");
            assertEquals(7, lm.projections().size());
            // A zero delta changes nothing; a non-zero one changes the logits.
            down.setDelta(x -> x.getManager()
                    .zeros(new ai.djl.ndarray.types.Shape(
                            x.getShape().get(0), x.getShape().get(1), down.out())));
            assertArrayEquals(base[5], lm.logits(SEQ)[5], 1e-6f);
            down.setDelta(x -> x.getManager()
                    .ones(new ai.djl.ndarray.types.Shape(
                            x.getShape().get(0), x.getShape().get(1), down.out())));
            assertTrue(maxDiff(base[5], lm.logits(SEQ)[5]) > 1e-3);
            down.setDelta(null);
            assertArrayEquals(base[5], lm.logits(SEQ)[5], 1e-6f);
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
