package ai.curator.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DenseTest {
    @Test
    void choleskyMatchesEjmlAndSolves() {
        double[] a = {4, 2, 0.4, 2, 5, 1, 0.4, 1, 3};
        double[] l = Dense.cholesky(a, 3);
        assertArrayEquals(Dense.choleskyEjml(a, 3), l, 1e-12);
        double[] x = Dense.choleskySolve(l, 3, new double[] {1, 2, 3});
        double[] back = Dense.multiply(a, 3, 3, x, 1);
        assertArrayEquals(new double[] {1, 2, 3}, back, 1e-12);
    }

    @Test
    void choleskyRejectsIndefinite() {
        assertThrows(ArithmeticException.class, () -> Dense.cholesky(new double[] {1, 2, 2, 1}, 2));
    }
}
