package ai.curator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
    @Test
    void gradientVanishesAtTheOptimum() {
        // Overlapping 1-d classes: the regularised optimum is finite and unique.
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 400;
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i < 100 ? 1 : 0; // imbalanced: balanced weights matter
            x[2 * i] = (float) (rnd.nextGaussian() + (y[i] == 1 ? 1.0 : -0.5));
            x[2 * i + 1] = (float) rnd.nextGaussian();
        }
        FloatMatrix m = new FloatMatrix(n, 2, x);
        LogisticRegression.Options o = LogisticRegression.Options.defaults();
        LogisticRegression lr = LogisticRegression.fit(m, y, null, o);
        double[] theta = lr.coefficients();
        // Check the first-order condition numerically: θ + C Σ s c (p − y) x̃ = 0.
        double[] p = lr.predictProbability(m);
        double c1 = n / (2.0 * 100);
        double c0 = n / (2.0 * 300);
        for (int j = 0; j < 3; j++) {
            double g = theta[j];
            for (int i = 0; i < n; i++) {
                double xij = j < 2 ? x[2 * i + j] : 1.0;
                g += (y[i] == 1 ? c1 : c0) * (p[i] - y[i]) * xij;
            }
            assertEquals(0.0, g, 1e-6, "gradient component " + j);
        }
        assertTrue(theta[0] > 0.5, "feature 0 separates the classes");
        assertTrue(lr.accuracy(m, y) > 0.7);
    }

    @Test
    void integerWeightsEqualRepeatedRows() {
        float[] x = {0f, 1f, 2f, 3f, 1.5f};
        int[] y = {0, 0, 1, 1, 0};
        FloatMatrix m = new FloatMatrix(5, 1, x);
        LogisticRegression.Options o = new LogisticRegression.Options(1.0, false, 100, 1e-10);
        double[] w = {1, 2, 1, 3, 1};
        double[] a = LogisticRegression.fit(m, y, w, o).coefficients();
        float[] rx = {0f, 1f, 1f, 2f, 3f, 3f, 3f, 1.5f};
        int[] ry = {0, 0, 0, 1, 1, 1, 1, 0};
        double[] b =
                LogisticRegression.fit(new FloatMatrix(8, 1, rx), ry, null, o).coefficients();
        assertEquals(b[0], a[0], 1e-8);
        assertEquals(b[1], a[1], 1e-8);
    }

    @Test
    void logLossMatchesProbabilities() {
        FloatMatrix m = new FloatMatrix(2, 1, new float[] {-1f, 1f});
        LogisticRegression lr =
                LogisticRegression.fit(m, new int[] {0, 1}, null, LogisticRegression.Options.defaults());
        double[] p = lr.predictProbability(m);
        double[] l = lr.logLoss(m, new int[] {0, 1});
        assertEquals(-Math.log(1 - p[0]), l[0], 1e-12);
        assertEquals(-Math.log(p[1]), l[1], 1e-12);
    }

    @Test
    void badInput() {
        FloatMatrix m = new FloatMatrix(2, 1, new float[] {0f, 1f});
        assertThrows(
                IllegalArgumentException.class,
                () -> LogisticRegression.fit(m, new int[] {1, 1}, null, LogisticRegression.Options.defaults()));
        assertThrows(
                IllegalArgumentException.class,
                () -> LogisticRegression.fit(m, new int[] {0, 2}, null, LogisticRegression.Options.defaults()));
        assertThrows(IllegalArgumentException.class, () -> new LogisticRegression.Options(0, true, 10, 1e-6));
    }
}
