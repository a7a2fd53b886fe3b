package ai.curator.learn.select.algo;

import ai.curator.learn.nn.MlpClassifier;
import ai.curator.linalg.FloatMatrix;

/**
 * The warm-up stage of ASSS v3: a few epochs of the task network on every row (no early
 * stopping), then two per-sample proxies — the cross-entropy {@code −log p(yᵢ|xᵢ)}, and as the
 * gradient-norm proxy the norm of the loss gradient with respect to the logits, {@code
 * ‖softmax(f(xᵢ)) − onehot(yᵢ)‖₂} (the EL2N score; cheaper than a per-sample parameter gradient
 * and proportional to the last layer's gradient norm up to the penultimate activation's norm).
 *
 * @param loss per-row cross-entropy
 * @param gradNorm per-row gradient-norm proxy, in [0, √2]
 * @param seconds wall time
 */
public record Warmup(double[] loss, double[] gradNorm, double seconds) {

    /** Trains for {@code epochs} (≥ 1) epochs on all rows and scores every row. */
    public static Warmup run(FloatMatrix x, int[] y, int classes, MlpClassifier.Options task, int epochs, long seed) {
        long t0 = System.nanoTime();
        int n = x.rows();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        MlpClassifier.Options o = new MlpClassifier.Options(
                task.hidden1(), task.hidden2(), epochs, task.batchSize(), task.lr(), task.patience(), 0.0);
        double[] loss = new double[n];
        double[] g = new double[n];
        try (MlpClassifier c = MlpClassifier.fit(x, y, classes, all, null, o, seed)) {
            float[] p = c.probabilities(x);
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = 0; k < classes; k++) {
                    double d = p[i * classes + k] - (k == y[i] ? 1 : 0);
                    s += d * d;
                }
                g[i] = Math.sqrt(s);
                loss[i] = -Math.log(Math.max(1e-12, p[i * classes + y[i]]));
            }
        }
        return new Warmup(loss, g, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The selector's input: the row's features, then {@code log(1 + loss)} and the gradient-norm
     * proxy (each z-scored over the rows), then the one-hot label — so the selector can tell the
     * classes apart, which matters on imbalanced data.
     */
    public FloatMatrix selectorInputs(FloatMatrix x, int[] y, int classes) {
        int n = x.rows();
        int d = x.cols();
        int w = d + 2 + classes;
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = Math.log1p(loss[i]);
        }
        double[] zl = zscore(l);
        double[] zg = zscore(gradNorm);
        float[] out = new float[Math.multiplyExact(n, w)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data(), i * d, out, i * w, d);
            out[i * w + d] = (float) zl[i];
            out[i * w + d + 1] = (float) zg[i];
            out[i * w + d + 2 + y[i]] = 1f;
        }
        return new FloatMatrix(n, w, out);
    }

    static double[] zscore(double[] v) {
        double mean = 0;
        for (double a : v) {
            mean += a;
        }
        mean /= v.length;
        double var = 0;
        for (double a : v) {
            var += (a - mean) * (a - mean);
        }
        double sd = Math.sqrt(var / v.length);
        double[] z = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            z[i] = sd > 0 ? (v[i] - mean) / sd : 0;
        }
        return z;
    }
}
