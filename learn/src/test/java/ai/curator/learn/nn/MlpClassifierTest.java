package ai.curator.learn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MlpClassifierTest {
    /** Three Gaussian blobs in 2-D, 100 rows each, centres 4 apart: separable. */
    static FloatMatrix blobs(int[] y) {
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[y.length * 2];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
            x[2 * i] = (float) (r.nextGaussian() + 4 * (y[i] == 1 ? 1 : 0));
            x[2 * i + 1] = (float) (r.nextGaussian() + 4 * (y[i] == 2 ? 1 : 0));
        }
        return new FloatMatrix(y.length, 2, x);
    }

    static int[] all(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    static double accuracy(float[] p, int[] y, int c) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (p[i * c + k] > p[i * c + best]) {
                    best = k;
                }
            }
            ok += best == y[i] ? 1 : 0;
        }
        return ok / (double) y.length;
    }

    private static final MlpClassifier.Options FAST = new MlpClassifier.Options(16, 8, 40, 32, 1e-2, 5, 0.1);

    @Test
    void learnsSeparableBlobsAndIsDeterministic() {
        int[] y = new int[300];
        FloatMatrix x = blobs(y);
        float[] p1;
        float[] p2;
        try (MlpClassifier c = MlpClassifier.fit(x, y, 3, all(300), null, FAST, 5)) {
            p1 = c.probabilities(x);
            assertTrue(c.epochsRun() >= 1);
        }
        try (MlpClassifier c = MlpClassifier.fit(x, y, 3, all(300), null, FAST, 5)) {
            p2 = c.probabilities(x);
        }
        assertTrue(accuracy(p1, y, 3) > 0.95, "accuracy " + accuracy(p1, y, 3));
        assertArrayEquals(p1, p2, "same seed, same model");
        for (int i = 0; i < 300; i++) {
            assertEquals(1.0, p1[3 * i] + p1[3 * i + 1] + p1[3 * i + 2], 1e-5);
        }
    }

    @Test
    void zeroWeightRowsAreIgnored() {
        // Class 2 rows weigh 0: the model never learns to predict class 2.
        int[] y = new int[300];
        FloatMatrix x = blobs(y);
        double[] w = new double[300];
        for (int i = 0; i < 300; i++) {
            w[i] = y[i] == 2 ? 0 : 1;
        }
        try (MlpClassifier c = MlpClassifier.fit(x, y, 3, all(300), w, FAST, 5)) {
            float[] p = c.probabilities(x);
            double p2 = 0;
            for (int i = 0; i < 300; i++) {
                p2 += p[3 * i + 2];
            }
            assertTrue(p2 / 300 < 0.05, "mean p(class 2) " + p2 / 300);
        }
    }

    @Test
    void optionsRejectBoundaryValues() {
        assertThrows(IllegalArgumentException.class, () -> new MlpClassifier.Options(0, 8, 1, 1, 1e-3, 1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new MlpClassifier.Options(8, 8, 1, 1, 0, 1, 0.1));
        var e = assertThrows(IllegalArgumentException.class, () -> new MlpClassifier.Options(8, 8, 1, 1, 1e-3, 1, 0.6));
        assertTrue(e.getMessage().contains("validation_fraction"));
    }
}
