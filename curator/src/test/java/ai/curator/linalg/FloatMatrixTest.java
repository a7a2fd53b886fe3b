package ai.curator.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatMatrixTest {
    @Test
    void multiplyMatchesHandComputation() {
        FloatMatrix x = FloatMatrix.of(new double[][] {{1, 2}, {3, 4}, {0, -1}});
        FloatMatrix w = FloatMatrix.of(new double[][] {{1, 0, 2}, {0, 1, -1}});
        FloatMatrix p = x.multiply(w);
        assertArrayEquals(new float[] {1, 2, 0, 3, 4, 2, 0, -1, 1}, p.data());
    }

    @Test
    void multiplyAndTransposeMultiplyMatchNaiveOnRandomData() {
        SplittableRandom rnd = new SplittableRandom(1);
        FloatMatrix x = FloatMatrix.gaussian(1500, 37, rnd);
        FloatMatrix w = FloatMatrix.gaussian(37, 700, rnd); // > one 512-column chunk
        FloatMatrix p = x.multiply(w);
        FloatMatrix y = FloatMatrix.gaussian(1500, 5, rnd);
        double[] xty = x.transposeMultiply(y);
        for (int i = 0; i < 1500; i += 97) {
            for (int c = 0; c < 700; c += 51) {
                double s = 0;
                for (int j = 0; j < 37; j++) {
                    s += x.get(i, j) * w.get(j, c);
                }
                assertEquals(s, p.get(i, c), 1e-4);
            }
        }
        for (int j = 0; j < 37; j++) {
            for (int c = 0; c < 5; c++) {
                double s = 0;
                for (int i = 0; i < 1500; i++) {
                    s += (double) x.get(i, j) * y.get(i, c);
                }
                assertEquals(s, xty[j * 5 + c], 1e-3);
            }
        }
    }

    @Test
    void rowNormsAndHelpers() {
        FloatMatrix x = FloatMatrix.of(new double[][] {{3, 4}, {0, 0}, {1, 0}});
        assertArrayEquals(new double[] {25, 0, 1}, x.rowSquaredNorms(), 1e-12);
        assertArrayEquals(new double[] {5, 0, 1}, x.rowNorms(), 1e-12);
        assertArrayEquals(new float[] {1, 0}, x.row(2));
        assertArrayEquals(
                new float[] {1, 0, 3, 4}, x.selectRows(new int[] {2, 0}).data());
        assertArrayEquals(new float[] {3, 0, 1, 4, 0, 0}, x.transpose().data());
    }

    @Test
    void rejectsBadShapesAndNonFiniteData() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FloatMatrix(100_000, 100_000));
        assertTrue(e.getMessage().contains("needs 37.3 GiB, more than the"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FloatMatrix(2, 2, new float[3]));
        FloatMatrix x = FloatMatrix.of(new double[][] {{1, 2}, {3, Double.NaN}});
        e = assertThrows(IllegalArgumentException.class, () -> x.requireFinite("embeddings"));
        assertEquals("embeddings must be finite: row 1, column 1 is NaN", e.getMessage());
    }
}
