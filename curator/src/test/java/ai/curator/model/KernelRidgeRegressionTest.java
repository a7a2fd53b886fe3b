package ai.curator.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelRidgeRegressionTest {
    static FloatMatrix grid(int n, double lo, double hi) {
        FloatMatrix x = new FloatMatrix(n, 1);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, (float) (lo + (hi - lo) * i / (n - 1)));
        }
        return x;
    }

    static double[] sin(FloatMatrix x) {
        double[] y = new double[x.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.sin(x.get(i, 0));
        }
        return y;
    }

    @Test
    void exactFormInterpolatesSmoothFunction() {
        FloatMatrix x = grid(60, 0, 6);
        KernelRidgeRegression.Model m =
                KernelRidgeRegression.fit(x, sin(x), KernelRidgeRegression.Options.defaults(), new SplittableRandom(1));
        assertTrue(m.exact());
        FloatMatrix mid = grid(41, 0.5, 5.5);
        double[] p = m.predict(mid);
        double[] truth = sin(mid);
        for (int i = 0; i < p.length; i++) {
            assertEquals(truth[i], p[i], 0.02, "at " + mid.get(i, 0));
        }
    }

    @Test
    void nystromFormInterpolatesToo() {
        FloatMatrix x = grid(400, 0, 6);
        KernelRidgeRegression.Options o =
                new KernelRidgeRegression.Options(new double[] {1e-4, 1e-3, 1e-2, 1e-1}, 0.2, 100, 50, 2000, 0);
        KernelRidgeRegression.Model m = KernelRidgeRegression.fit(x, sin(x), o, new SplittableRandom(1));
        assertFalse(m.exact());
        assertEquals(50, m.centres());
        FloatMatrix mid = grid(41, 0.5, 5.5);
        double[] p = m.predict(mid);
        double[] truth = sin(mid);
        for (int i = 0; i < p.length; i++) {
            assertEquals(truth[i], p[i], 0.02, "at " + mid.get(i, 0));
        }
    }

    @Test
    void medianHeuristicOnTwoPointsIsTheirDistance() {
        FloatMatrix x = FloatMatrix.of(new double[][] {{0, 0}, {3, 4}});
        assertEquals(5.0, KernelRidgeRegression.medianHeuristic(x, 11, new SplittableRandom(1)), 1e-6);
        FloatMatrix same = FloatMatrix.of(new double[][] {{1, 1}, {1, 1}});
        assertEquals(1.0, KernelRidgeRegression.medianHeuristic(same, 11, new SplittableRandom(1)));
    }

    @Test
    void deterministicForSeed() {
        FloatMatrix x = grid(50, 0, 3);
        double[] a = KernelRidgeRegression.fit(
                        x, sin(x), KernelRidgeRegression.Options.defaults(), new SplittableRandom(3))
                .predict(x);
        double[] b = KernelRidgeRegression.fit(
                        x, sin(x), KernelRidgeRegression.Options.defaults(), new SplittableRandom(3))
                .predict(x);
        assertArrayEquals(a, b);
    }

    @Test
    void optionValidation() {
        assertEquals(
                "kernel_ridge.lambda_grid values must be finite and > 0, got 0.0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new KernelRidgeRegression.Options(new double[] {0}, 0.2, 10, 10, 10, 0))
                        .getMessage());
        assertEquals(
                "kernel_ridge.validation_fraction must be in (0, 0.5], got 0.9",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new KernelRidgeRegression.Options(new double[] {1}, 0.9, 10, 10, 10, 0))
                        .getMessage());
        FloatMatrix x = grid(5, 0, 1);
        assertEquals(
                "kernel_ridge targets must be finite: y[2] = Infinity",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> KernelRidgeRegression.fit(
                                        x,
                                        new double[] {0, 0, Double.POSITIVE_INFINITY, 0, 0},
                                        KernelRidgeRegression.Options.defaults(),
                                        new SplittableRandom(1)))
                        .getMessage());
    }
}
