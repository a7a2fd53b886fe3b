package ai.curator.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.LossOracle;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.LowRankSensitivity;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A matrix stored in row chunks (what holds more than 2^31 values) computes the same bits as the
 * one-array form, through every operation the low-rank sensitivity scorer uses.
 */
class ChunkedMatrixTest {
    private static final int N = 1000; // chunks of 256 rows: 256, 256, 256, 232
    private static final int D = 24;

    private static FloatMatrix[] pair(long seed) {
        FloatMatrix one = FloatMatrix.gaussian(N, D, new SplittableRandom(seed));
        FloatMatrix chunked = FloatMatrix.chunked(N, D, 256);
        for (int i = 0; i < N; i++) {
            chunked.setRow(i, one.row(i), 0);
        }
        return new FloatMatrix[] {one, chunked};
    }

    private static float[] all(FloatMatrix m) {
        float[] out = new float[m.rows() * m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            m.copyRow(i, out);
            System.arraycopy(m.row(i), 0, out, i * m.cols(), m.cols());
        }
        return out;
    }

    @Test
    void storesRowsInAlignedChunksAndRefusesOneArrayAccess() {
        FloatMatrix c = pair(1)[1];
        assertFalse(c.isSingleArray());
        assertEquals(4, c.chunkCount());
        assertEquals(256, c.chunkRows());
        assertEquals(232 * D, c.chunk(3).length);
        IllegalStateException e = assertThrows(IllegalStateException.class, c::data);
        assertTrue(e.getMessage().contains("one array"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloatMatrix.chunked(N, D, 100));
        assertTrue(FloatMatrix.chunked(N, D, 1024).isSingleArray(), "one chunk is one array");
    }

    @Test
    void rowAccessCopiesAndReductionsMatchTheOneArrayForm() {
        FloatMatrix[] p = pair(2);
        assertArrayEquals(all(p[0]), all(p[1]));
        assertEquals(p[0].get(777, 5), p[1].get(777, 5));
        assertArrayEquals(p[0].rowSquaredNorms(), p[1].rowSquaredNorms());
        assertArrayEquals(p[0].columnMeans(), p[1].columnMeans());
        int[] ids = {999, 0, 256, 255, 512, 999};
        assertArrayEquals(p[0].selectRows(ids).data(), p[1].selectRows(ids).data());
        assertArrayEquals(p[0].leftColumns(7).data(), p[1].leftColumns(7).data());
        assertArrayEquals(all(p[0]), all(p[1].copy()));
        assertArrayEquals(p[0].transpose().data(), p[1].transpose().data());
    }

    @Test
    void productsAreBitIdentical() {
        FloatMatrix[] p = pair(3);
        FloatMatrix w = FloatMatrix.gaussian(D, 40, new SplittableRandom(4));
        assertArrayEquals(p[0].multiply(w).data(), p[1].multiply(w).data());
        FloatMatrix y = FloatMatrix.gaussian(N, 9, new SplittableRandom(5));
        assertArrayEquals(p[0].transposeMultiply(y), p[1].transposeMultiply(y));
        assertArrayEquals(p[0].gram(), p[1].gram());
        // a chunked right-hand side and a chunked product
        FloatMatrix yc = FloatMatrix.chunked(N, 9, 512);
        for (int i = 0; i < N; i++) {
            yc.setRow(i, y.row(i), 0);
        }
        assertArrayEquals(p[0].transposeMultiply(y), p[1].transposeMultiply(yc));
    }

    @Test
    void requireFiniteNamesTheRowInAnyChunk() {
        FloatMatrix c = pair(6)[1];
        c.set(700, 3, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.requireFinite("embeddings"));
        assertEquals("embeddings must be finite: row 700, column 3 is NaN", e.getMessage());
    }

    @Test
    void svdKernelRidgeAndLowRankSensitivityAreBitIdentical() {
        FloatMatrix[] p = pair(7);
        RandomizedSvd.Result a = RandomizedSvd.compute(p[0], RandomizedSvd.Options.ofRank(4), new SplittableRandom(8));
        RandomizedSvd.Result b = RandomizedSvd.compute(p[1], RandomizedSvd.Options.ofRank(4), new SplittableRandom(8));
        assertArrayEquals(a.singularValues(), b.singularValues());
        assertArrayEquals(a.u().data(), b.u().data());

        double[] y = p[0].rowSquaredNorms();
        int[] rows = Arrays.copyOf(Rand.permutation(N, new SplittableRandom(9)), 200);
        double[] ys = Arrays.stream(rows).mapToDouble(i -> y[i]).toArray();
        KernelRidgeRegression.Model m = KernelRidgeRegression.fit(
                p[0].selectRows(rows), ys, KernelRidgeRegression.Options.defaults(), new SplittableRandom(10));
        assertArrayEquals(m.predict(p[0]), m.predict(p[1]));

        LossOracle oracle = ids -> Arrays.stream(ids).mapToDouble(i -> y[i]).toArray();
        for (LowRankSensitivity.Options o : new LowRankSensitivity.Options[] {
            LowRankSensitivity.Options.basis(4), LowRankSensitivity.Options.landmarks(4, 1.0)
        }) {
            LowRankSensitivity.Result ra = LowRankSensitivity.score(p[0], oracle, null, o, new SplittableRandom(11));
            LowRankSensitivity.Result rb = LowRankSensitivity.score(p[1], oracle, null, o, new SplittableRandom(11));
            assertArrayEquals(ra.sensitivity(), rb.sensitivity(), o.mode().toString());
        }
    }
}
