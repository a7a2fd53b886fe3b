package ai.curator.learn.nn;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Rand;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The task network of the ASSS paper's tabular protocol (000 §4): a 3-layer MLP classifier
 * ({@code d → hidden₁ → hidden₂ → classes}, ReLU), Adam, shuffled minibatches, sample weights
 * (weighted cross-entropy {@code Σ wᵢ·CEᵢ / Σ wᵢ} per batch, so constant weights are plain
 * training), early stopping on a validation split of the rows it is given, restoring the best
 * epoch. Deterministic given the seed (single-threaded PyTorch, see {@link Torch}).
 */
public final class MlpClassifier implements AutoCloseable {

    /**
     * Options.
     *
     * @param hidden1 first hidden width ≥ 1; default 128
     * @param hidden2 second hidden width ≥ 1; default 64
     * @param epochs maximum epochs ≥ 1; default 30
     * @param batchSize minibatch rows ≥ 1; default 256
     * @param lr Adam learning rate &gt; 0; default 1e-3
     * @param patience epochs without a better validation loss before stopping ≥ 1; default 3
     * @param validationFraction share of the given rows held out for early stopping, in [0, 0.5];
     *     default 0.1 (0, or fewer than 20 rows: no early stopping, all epochs run)
     */
    public record Options(
            int hidden1, int hidden2, int epochs, int batchSize, double lr, int patience, double validationFraction)
            implements java.io.Serializable {
        public Options {
            positive("hidden1", hidden1);
            positive("hidden2", hidden2);
            positive("epochs", epochs);
            positive("batch_size", batchSize);
            positive("patience", patience);
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("mlp.lr must be finite and > 0, got " + lr);
            }
            if (!(validationFraction >= 0 && validationFraction <= 0.5)) {
                throw new IllegalArgumentException(
                        "mlp.validation_fraction must be in [0, 0.5], got " + validationFraction);
            }
        }

        private static void positive(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException("mlp." + name + " must be >= 1, got " + v);
            }
        }

        /** 128-64 hidden, 30 epochs, batch 256, lr 1e-3, patience 3, 10% validation. */
        public static Options defaults() {
            return new Options(128, 64, 30, 256, 1e-3, 3, 0.1);
        }

        /** These options with another epoch limit. */
        public Options withEpochs(int e) {
            return new Options(hidden1, hidden2, e, batchSize, lr, patience, validationFraction);
        }

        /** These options with another batch size. */
        public Options withBatchSize(int b) {
            return new Options(hidden1, hidden2, epochs, b, lr, patience, validationFraction);
        }
    }

    private final Mlp net;
    private final int classes;
    private int epochsRun;

    private MlpClassifier(Mlp net, int classes) {
        this.net = net;
        this.classes = classes;
    }

    /** A fresh, untrained classifier (for callers that train it step by step, as ASSS does). */
    public static MlpClassifier create(int d, int classes, Options o, long seed) {
        return new MlpClassifier(new Mlp(d, new int[] {o.hidden1(), o.hidden2()}, classes, o.lr(), 0, seed), classes);
    }

    /**
     * Trains on rows {@code rows} of {@code x} with labels {@code y} and weights.
     *
     * @param x features (N × d, finite)
     * @param y class of every row of {@code x}, in {@code [0, classes)}
     * @param classes number of classes ≥ 2 (the output width, also for classes absent from {@code rows})
     * @param rows the training rows (distinct, non-empty)
     * @param weights weight of each training row (finite, ≥ 0, positive sum), or null for all 1
     */
    public static MlpClassifier fit(
            FloatMatrix x, int[] y, int classes, int[] rows, double[] weights, Options o, long seed) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("MlpClassifier.fit needs at least one training row");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("MlpClassifier needs >= 2 classes, got " + classes);
        }
        double[] w = weights == null ? filled(rows.length) : weights.clone();
        if (w.length != rows.length) {
            throw new IllegalArgumentException(
                    "weights (" + w.length + ") and rows (" + rows.length + ") differ in length");
        }
        MlpClassifier c = create(x.cols(), classes, o, seed);
        c.train(x, y, rows, w, o, new SplittableRandom(seed ^ 0x5DEECE66DL));
        return c;
    }

    private static double[] filled(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        return w;
    }

    private void train(FloatMatrix x, int[] y, int[] rows, double[] w, Options o, SplittableRandom rnd) {
        int n = rows.length;
        int nVal = n >= 20 ? (int) Math.round(o.validationFraction() * n) : 0;
        int[] perm = Rand.permutation(n, rnd);
        int[] val = new int[nVal];
        double[] valW = new double[nVal];
        int[] tr = new int[n - nVal];
        double[] trW = new double[n - nVal];
        for (int j = 0; j < n; j++) {
            int p = perm[j];
            if (j < nVal) {
                val[j] = rows[p];
                valW[j] = w[p];
            } else {
                tr[j - nVal] = rows[p];
                trW[j - nVal] = w[p];
            }
        }
        double best = Double.POSITIVE_INFINITY;
        List<float[]> bestParams = null;
        int bad = 0;
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            int[] order = Rand.permutation(tr.length, rnd);
            for (int start = 0; start < order.length; start += o.batchSize()) {
                int len = Math.min(o.batchSize(), order.length - start);
                int[] b = new int[len];
                float[] bw = new float[len];
                for (int j = 0; j < len; j++) {
                    b[j] = tr[order[start + j]];
                    bw[j] = (float) trW[order[start + j]];
                }
                step(x, y, b, bw);
            }
            epochsRun = epoch + 1;
            if (nVal > 0) {
                double loss = weightedLoss(x, y, val, valW);
                if (loss < best - 1e-6) {
                    best = loss;
                    bestParams = net.snapshot();
                    bad = 0;
                } else if (++bad >= o.patience()) {
                    break;
                }
            }
        }
        if (bestParams != null) {
            net.restore(bestParams);
        }
    }

    /** One Adam step on the batch {@code b} with per-row weights {@code bw} (Σ w·CE / Σ w). */
    public void step(FloatMatrix x, int[] y, int[] b, float[] bw) {
        double sum = 0;
        for (float v : bw) {
            sum += v;
        }
        if (!(sum > 0)) {
            return; // an all-zero-weight batch carries no gradient
        }
        try (NDManager sub = net.manager().newSubManager();
                GradientCollector gc = Torch.engine().newGradientCollector()) {
            gc.zeroGradients();
            NDArray xb = Losses.rows(sub, x.data(), x.cols(), b);
            NDArray oh = Losses.oneHot(sub, y, b, classes);
            NDArray wb = Tensors.create(sub, bw, new Shape(b.length)).div(Tensors.scalar(sub, (float) sum));
            NDArray loss =
                    Losses.crossEntropy(net.forward(xb, true), oh).mul(wb).sum();
            gc.backward(loss);
        }
        net.step();
    }

    /** Σ w·CE / Σ w over {@code rows}. */
    public double weightedLoss(FloatMatrix x, int[] y, int[] rows, double[] w) {
        float[] p = probabilities(x, rows);
        double s = 0;
        double sw = 0;
        for (int j = 0; j < rows.length; j++) {
            s += w[j] * -Math.log(Math.max(1e-12, p[j * classes + y[rows[j]]]));
            sw += w[j];
        }
        return s / sw;
    }

    /** Class probabilities of every row of {@code x} (row-major N × classes). */
    public float[] probabilities(FloatMatrix x) {
        float[] out = net.predict(x.data(), x.rows());
        Losses.softmaxInPlace(out, x.rows(), classes);
        return out;
    }

    /** Class probabilities of rows {@code rows} of {@code x}. */
    public float[] probabilities(FloatMatrix x, int[] rows) {
        float[] sub = new float[rows.length * x.cols()];
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(x.data(), rows[j] * x.cols(), sub, j * x.cols(), x.cols());
        }
        float[] out = net.predict(sub, rows.length);
        Losses.softmaxInPlace(out, rows.length, classes);
        return out;
    }

    /** The underlying network. */
    public Mlp net() {
        return net;
    }

    public int classes() {
        return classes;
    }

    /** Epochs trained before early stopping (or the limit). */
    public int epochsRun() {
        return epochsRun;
    }

    @Override
    public void close() {
        net.close();
    }
}
