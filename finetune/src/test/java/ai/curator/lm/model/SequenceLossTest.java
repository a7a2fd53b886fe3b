package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.lm.ModelConfig;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-sample losses and output-layer gradient norms on tiny random checkpoints. */
class SequenceLossTest {
    private static final List<SequenceLoss.Example> EXAMPLES = List.of(
            new SequenceLoss.Example(new int[] {1, 7, 12}, new int[] {30, 4}),
            new SequenceLoss.Example(new int[] {1}, new int[] {5, 6, 7, 8, 9, 10, 11}),
            new SequenceLoss.Example(new int[] {1, 40, 41, 42, 43, 44, 45, 46, 3}, new int[] {9}),
            new SequenceLoss.Example(new int[] {1, 7}, new int[] {12, 30, 4}),
            new SequenceLoss.Example(new int[] {1, 2, 3, 4, 5}, new int[] {6, 7, 8, 9, 10, 11, 12, 13}),
            new SequenceLoss.Example(new int[] {1, 20}, new int[] {21}),
            new SequenceLoss.Example(new int[] {1, 33, 34}, new int[] {35, 36}));

    /** −mean over response targets of the log-softmax of the model's own logits, in double. */
    private static double byHand(CausalLm lm, SequenceLoss.Example e) {
        int[] seq = Arrays.copyOf(e.prompt(), e.prompt().length + e.response().length);
        System.arraycopy(e.response(), 0, seq, e.prompt().length, e.response().length);
        float[][] logits = lm.logits(Arrays.copyOf(seq, seq.length - 1));
        double sum = 0;
        for (int t = e.prompt().length - 1; t < seq.length - 1; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits[t]) {
                max = Math.max(max, l);
            }
            double z = 0;
            for (float l : logits[t]) {
                z += Math.exp(l - max);
            }
            sum -= logits[t][seq[t + 1]] - max - Math.log(z);
        }
        return sum / e.response().length;
    }

    @Test
    void lossIsTheMeanResponseNllComputedByHand() {
        ModelConfig c = TinyModels.llamaConfig(1, 4, 2, false, false);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 21))) {
            double[] got = new SequenceLoss(lm, SequenceLoss.Options.defaults()).losses(EXAMPLES);
            for (int i = 0; i < EXAMPLES.size(); i++) {
                assertEquals(byHand(lm, EXAMPLES.get(i)), got[i], 1e-5, "example " + i);
            }
            // Examples 0 and 3 are the same tokens split differently: only response targets count.
            assertTrue(Math.abs(got[0] - got[3]) > 1e-3);
        }
    }

    @Test
    void batchedLossesEqualOneByOne() {
        for (ModelConfig c : List.of(TinyModels.llamaConfig(2, 4, 1, true, true), TinyModels.gpt2Config(2))) {
            try (CausalLm lm = CausalLm.load(TinyModels.random(c, 22))) {
                double[] one = new SequenceLoss(lm, new SequenceLoss.Options(1, null)).losses(EXAMPLES);
                double[] three = new SequenceLoss(lm, new SequenceLoss.Options(3, null)).losses(EXAMPLES);
                double[] all = new SequenceLoss(lm, new SequenceLoss.Options(64, null)).losses(EXAMPLES);
                assertArrayEquals(one, three, 1e-5, c.architecture().toString());
                assertArrayEquals(one, all, 1e-5, c.architecture().toString());
                for (double l : one) {
                    assertTrue(l > 0 && Double.isFinite(l));
                }
            }
        }
    }

    @Test
    void tooLongExamplesAreNamedOrTruncatedOnRequest() {
        ModelConfig c = TinyModels.llamaConfig(1, 4, 2, false, false);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 23))) {
            int[] longPrompt = new int[70];
            Arrays.fill(longPrompt, 5);
            List<SequenceLoss.Example> ex =
                    List.of(EXAMPLES.get(0), EXAMPLES.get(1), new SequenceLoss.Example(longPrompt, new int[] {6, 7}));
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new SequenceLoss(lm, SequenceLoss.Options.defaults()).losses(ex));
            assertTrue(e.getMessage().startsWith("example 2 has 72 tokens"), e.getMessage());
            double[] cut =
                    new SequenceLoss(lm, new SequenceLoss.Options(2, SequenceLoss.Overflow.TRUNCATE_LEFT)).losses(ex);
            // The last 65 tokens: a 63-token prompt of 5s, then the response.
            assertEquals(
                    byHand(lm, new SequenceLoss.Example(Arrays.copyOf(longPrompt, 63), new int[] {6, 7})),
                    cut[2],
                    1e-5);
            e = assertThrows(IllegalArgumentException.class, () -> new SequenceLoss(lm, SequenceLoss.Options.defaults())
                    .losses(List.of(EXAMPLES.get(0), new SequenceLoss.Example(new int[0], new int[] {3}))));
            assertTrue(e.getMessage().startsWith("example 1 has an empty prompt"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new SequenceLoss.Options(0, null));
        }
    }

    @Test
    void outputGradientNormEqualsAutograd() {
        ModelConfig c = TinyModels.llamaConfig(2, 4, 2, false, false);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 24))) {
            SequenceLoss loss = new SequenceLoss(lm, new SequenceLoss.Options(3, null));
            double[] closed = loss.outputGradientNorms(EXAMPLES);
            NDArray w = lm.headWeight();
            w.setRequiresGradient(true);
            for (int i = 0; i < EXAMPLES.size(); i++) {
                try (NDManager m = lm.manager().newSubManager();
                        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.zeroGradients(); // PyTorch accumulates gradients across passes
                    NDArray l = loss.loss(m, List.of(EXAMPLES.get(i)));
                    gc.backward(l);
                    double auto = Math.sqrt(w.getGradient().square().sum().getFloat());
                    assertEquals(auto, closed[i], 1e-4 * auto, "example " + i);
                    assertTrue(auto > 0);
                }
            }
            // The generic per-parameter path gives the same norms.
            assertArrayEquals(closed, loss.gradientNorms(EXAMPLES, List.of(w)), 1e-4 * closed[0]);
        }
    }

    @Test
    void gradientsReachALowRankDeltaAndMatchFiniteDifferences() {
        ModelConfig c = TinyModels.llamaConfig(2, 4, 2, false, true);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 26));
                NDManager params = lm.manager().newSubManager()) {
            Projection v = lm.projections().get("model.layers.0.self_attn.v_proj");
            int r = 2;
            java.util.Random rnd = new java.util.Random(3);
            float[] av = new float[r * (int) v.in()];
            float[] bv = new float[(int) v.out() * r];
            for (int i = 0; i < av.length; i++) {
                av[i] = (float) (0.3 * rnd.nextGaussian());
            }
            for (int i = 0; i < bv.length; i++) {
                bv[i] = (float) (0.3 * rnd.nextGaussian());
            }
            NDArray a = Tensors.floats(params, av, new ai.djl.ndarray.types.Shape(r, v.in()));
            NDArray[] b = {Tensors.floats(params, bv, new ai.djl.ndarray.types.Shape(v.out(), r))};
            v.setDelta(x -> x.matMul(a.transpose()).matMul(b[0].transpose()));
            SequenceLoss loss = new SequenceLoss(lm, SequenceLoss.Options.defaults());
            List<SequenceLoss.Example> one = List.of(EXAMPLES.get(4));
            b[0].setRequiresGradient(true);
            float[] grad;
            try (NDManager m = lm.manager().newSubManager();
                    GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.zeroGradients();
                gc.backward(loss.loss(m, one));
                grad = b[0].getGradient().toFloatArray();
            }
            int k = 0;
            for (int i = 1; i < grad.length; i++) {
                k = Math.abs(grad[i]) > Math.abs(grad[k]) ? i : k;
            }
            double h = 1e-2;
            double[] at = new double[2];
            for (int side = 0; side < 2; side++) {
                float[] shifted = bv.clone();
                shifted[k] += (float) (side == 0 ? h : -h);
                b[0] = Tensors.floats(params, shifted, new ai.djl.ndarray.types.Shape(v.out(), r));
                at[side] = loss.losses(one)[0];
            }
            double fd = (at[0] - at[1]) / (2 * h);
            assertTrue(Math.abs(grad[k]) > 1e-3, "gradient " + grad[k]);
            assertEquals(fd, grad[k], 1e-2 * Math.abs(fd) + 1e-4, "dLoss/dB[" + k + "]");
            v.setDelta(null);
        }
    }

    @Test
    void theOracleMapsRowsToExamples() {
        ModelConfig c = TinyModels.gpt2Config(1);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 25))) {
            SequenceLoss loss = new SequenceLoss(lm, SequenceLoss.Options.defaults());
            double[] all = loss.losses(EXAMPLES);
            LmLossOracle oracle = new LmLossOracle(loss, EXAMPLES::get);
            double[] some = oracle.losses(new int[] {5, 0, 3});
            assertArrayEquals(new double[] {all[5], all[0], all[3]}, some, 1e-5);
            LmLossOracle bad = new LmLossOracle(
                    loss, r -> r == 9 ? new SequenceLoss.Example(new int[] {1}, new int[0]) : EXAMPLES.get(r));
            var e = assertThrows(IllegalArgumentException.class, () -> bad.losses(new int[] {0, 9}));
            assertTrue(e.getMessage().startsWith("row 9 has an empty response"), e.getMessage());
        }
    }
}
