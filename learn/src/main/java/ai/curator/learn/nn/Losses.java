package ai.curator.learn.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Cross-entropy pieces shared by the task network and the selectors. */
public final class Losses {
    private Losses() {}

    /** One-hot rows (B × classes) for labels {@code y[rows[j]]}. */
    public static NDArray oneHot(NDManager m, int[] y, int[] rows, int classes) {
        float[] v = new float[rows.length * classes];
        for (int j = 0; j < rows.length; j++) {
            v[j * classes + y[rows[j]]] = 1f;
        }
        return Tensors.create(m, v, new Shape(rows.length, classes));
    }

    /** Per-row cross-entropy {@code −log softmax(logits)[y]} (B), from logits and one-hot labels. */
    public static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
    }

    /** Rows {@code rows} of a row-major matrix with {@code d} columns, as a B × d array. */
    public static NDArray rows(NDManager m, float[] x, int d, int[] rows) {
        float[] v = new float[rows.length * d];
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(x, rows[j] * d, v, j * d, d);
        }
        return Tensors.create(m, v, new Shape(rows.length, d));
    }

    /** Softmax of each row of {@code logits} ({@code n × c}), in place, in double precision. */
    public static void softmaxInPlace(float[] logits, int n, int c) {
        for (int i = 0; i < n; i++) {
            int o = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, logits[o + k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(logits[o + k] - max);
            }
            for (int k = 0; k < c; k++) {
                logits[o + k] = (float) (Math.exp(logits[o + k] - max) / sum);
            }
        }
    }
}
