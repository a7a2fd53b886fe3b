package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code uniform_stratified}: class quotas, every class kept, weights N_c/M_c, uniform within a class, seeded. */
class UniformStratifiedTest {
    /** Class sizes 6, 3, 1 (rows interleaved so that classes are not contiguous). */
    private static final int[] Y = {0, 1, 0, 2, 0, 1, 0, 0, 1, 0};

    @Test
    void quotasWeightsAndCoverageOnAHandCheckedExample() {
        // m = 4: one row per class first (3), the last row by largest remainder of the rest
        // (5·1/7 = 0.71 vs 2·1/7 = 0.29 vs 0) -> class 0. Quotas 2, 1, 1; weights 6/2, 3/1, 1/1.
        Baselines.Picked p = Baselines.uniformStratified(Y, 3, 4, new SplittableRandom(1));
        assertEquals(4, p.rows().length, "quota sums to M");
        int[] kept = new int[3];
        for (int j = 0; j < p.rows().length; j++) {
            int c = Y[p.rows()[j]];
            kept[c]++;
            assertEquals(new double[] {3, 3, 1}[c], p.weights()[j], 0.0, "weight N_c/M_c of class " + c);
            if (j > 0) {
                assertTrue(p.rows()[j] > p.rows()[j - 1], "rows distinct and ascending");
            }
        }
        assertArrayEquals(new int[] {2, 1, 1}, kept);
        assertEquals(Y.length, Arrays.stream(p.weights()).sum(), 1e-12, "weighted class totals add up to N");
    }

    @Test
    void everyClassIsKeptAndClassTotalsMatchOnSkewedData() {
        SplittableRandom r = new SplittableRandom(3);
        int[] y = new int[5000];
        for (int i = 0; i < y.length; i++) {
            double u = r.nextDouble();
            y[i] = u < 0.001 ? 3 : u < 0.02 ? 2 : u < 0.3 ? 1 : 0;
        }
        int[] size = new int[4];
        for (int v : y) {
            size[v]++;
        }
        for (int m : new int[] {4, 17, 1500, 4999}) {
            Baselines.Picked p = Baselines.uniformStratified(y, 4, m, new SplittableRandom(m));
            assertEquals(m, p.rows().length);
            double[] total = new double[4];
            int[] kept = new int[4];
            for (int j = 0; j < m; j++) {
                total[y[p.rows()[j]]] += p.weights()[j];
                kept[y[p.rows()[j]]]++;
            }
            for (int c = 0; c < 4; c++) {
                assertTrue(kept[c] >= 1, "class " + c + " kept at m = " + m);
                assertEquals(size[c], total[c], 1e-9, "weighted total of class " + c + " at m = " + m);
                // proportional, up to the floor (one row for each of the 4 classes moves the shares) and rounding
                assertTrue(
                        Math.abs(kept[c] - (double) m * size[c] / y.length) <= 4,
                        "class " + c + ": " + kept[c] + " of " + size[c] + " at m = " + m);
            }
        }
    }

    @Test
    void drawsUniformlyWithinAClass() {
        // class 0 has 6 rows and quota 2: each of its rows is kept with probability 1/3.
        int trials = 30_000;
        int[] hits = new int[Y.length];
        SplittableRandom r = new SplittableRandom(5);
        for (int t = 0; t < trials; t++) {
            for (int row : Baselines.uniformStratified(Y, 3, 4, r).rows()) {
                hits[row]++;
            }
        }
        for (int i = 0; i < Y.length; i++) {
            double expected = new double[] {1 / 3.0, 1 / 3.0, 1.0}[Y[i]];
            // binomial sd at p = 1/3, n = 30000 is 0.0027: 0.015 is more than 5 sd
            assertEquals(expected, hits[i] / (double) trials, 0.015, "row " + i + " of class " + Y[i]);
        }
    }

    @Test
    void sameSeedSameSubsetOtherSeedOther() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 7 == 0 ? 1 : 0;
        }
        Baselines.Picked a = Baselines.uniformStratified(y, 2, 300, new SplittableRandom(9));
        Baselines.Picked b = Baselines.uniformStratified(y, 2, 300, new SplittableRandom(9));
        assertArrayEquals(a.rows(), b.rows());
        assertArrayEquals(a.weights(), b.weights());
        assertFalse(Arrays.equals(
                a.rows(),
                Baselines.uniformStratified(y, 2, 300, new SplittableRandom(10)).rows()));
    }

    @Test
    void aBudgetBelowTheClassCountIsRejected() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> Baselines.uniformStratified(Y, 3, 2, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("m must be in [3 (classes present), 10 (rows)], got 2"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> Baselines.uniformStratified(Y, 3, 11, new SplittableRandom(1)));
    }
}
