package ai.curator.learn.nn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multilayer perceptron {@code in → hidden₁ → … → out} with ReLU between layers, trained by Adam,
 * on DJL's PyTorch engine. The last layer (the "head") is separate from the rest (the "body") so
 * that a caller can take the penultimate features and the head's weights — the one-step look-ahead
 * of {@code asss_bilevel} needs them.
 *
 * <p>Weights are initialised in Java from the seed (Glorot-uniform, zero biases), so a network is
 * a function of its seed alone, not of the engine's global random state.
 */
public final class Mlp implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final SequentialBlock body;
    private final Linear head;
    private final ParameterStore store;
    private final NDManager manager;
    private final int in;
    private final int out;

    /**
     * @param in input width ≥ 1
     * @param hidden hidden widths, each ≥ 1 (may be empty: a linear model)
     * @param out output width ≥ 1
     * @param lr Adam learning rate &gt; 0
     * @param clip element-wise gradient clip &gt; 0, or 0 for none
     * @param seed initialisation seed
     */
    public Mlp(int in, int[] hidden, int out, double lr, double clip, long seed) {
        Torch.engine();
        this.in = in;
        this.out = out;
        body = new SequentialBlock();
        for (int h : hidden) {
            body.add(Linear.builder().setUnits(h).build()).add(Activation::relu);
        }
        head = Linear.builder().setUnits(out).build();
        SequentialBlock all = new SequentialBlock().add(body).add(head);
        model = Model.newInstance("mlp", Device.cpu(), "PyTorch");
        model.setBlock(all);
        var adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) lr));
        if (clip > 0) {
            adam.optClipGrad((float) clip);
        }
        trainer =
                model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam.build()));
        trainer.initialize(new Shape(1, in));
        manager = model.getNDManager();
        store = new ParameterStore(manager, false);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : all.getParameters()) {
            NDArray a = p.getValue().getArray();
            Shape s = a.getShape();
            float[] v = new float[(int) s.size()];
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                double bound = Math.sqrt(6.0 / (s.get(0) + s.get(1)));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
            }
            Tensors.set(a, v);
        }
    }

    public int inputs() {
        return in;
    }

    public int outputs() {
        return out;
    }

    /** The manager arrays for this network should be created in (or in a sub-manager of it). */
    public NDManager manager() {
        return manager;
    }

    /** Penultimate features of {@code x} (B × in). */
    public NDArray features(NDArray x, boolean training) {
        return body.forward(store, new NDList(x), training).singletonOrThrow();
    }

    /** Outputs (logits) for {@code x} (B × in). */
    public NDArray forward(NDArray x, boolean training) {
        return head.forward(store, new NDList(features(x, training)), training).singletonOrThrow();
    }

    /** The head's weight (out × hidden) — the live parameter, with its gradient. */
    public NDArray headWeight() {
        return head.getParameters().get("weight").getArray();
    }

    /** The head's bias (out). */
    public NDArray headBias() {
        return head.getParameters().get("bias").getArray();
    }

    /** Applies one Adam step with the gradients collected for this network's parameters. */
    public void step() {
        trainer.step();
    }

    /** A copy of every parameter's values, for {@link #restore}. */
    public List<float[]> snapshot() {
        List<float[]> s = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            s.add(p.getValue().getArray().toFloatArray());
        }
        return s;
    }

    /** Sets every parameter to a {@link #snapshot}. */
    public void restore(List<float[]> snapshot) {
        int i = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            Tensors.set(p.getValue().getArray(), snapshot.get(i++));
        }
    }

    /** Outputs for every row of {@code x} (row-major {@code n × in}), in chunks, without gradients. */
    public float[] predict(float[] x, int n) {
        float[] result = new float[Math.multiplyExact(n, out)];
        int chunk = 8192;
        for (int start = 0; start < n; start += chunk) {
            int len = Math.min(chunk, n - start);
            try (NDManager sub = manager.newSubManager()) {
                float[] part = new float[len * in];
                System.arraycopy(x, start * in, part, 0, part.length);
                NDArray logits = forward(Tensors.create(sub, part, new Shape(len, in)), false);
                float[] o = logits.toFloatArray();
                System.arraycopy(o, 0, result, start * out, o.length);
            }
        }
        return result;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
