package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The class quotas (capped by class size, equal, largest remainder), checked by hand. */
class ClassQuotasTest {
    /** 130 rows: classes 0, 1 and 2 of 100, 25 and 5 rows. */
    private static int[] classesOf100And25And5() {
        int[] y = new int[130];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 100 ? 0 : i < 125 ? 1 : 2;
        }
        return y;
    }

    @Test
    void equalMassesWaterFillAroundSmallClasses() {
        // sizes 100, 30, 4, 0; m = 40: floors 1, 1, 1; 37 left over rooms 99, 29, 3 -> class 2 filled (3),
        // 34 shared equally by classes 0 and 1 -> 17 each. Quotas 18, 18, 4, 0.
        assertArrayEquals(
                new int[] {18, 18, 4, 0}, ClassQuotas.capped(new double[] {1, 1, 1, 0}, new int[] {100, 30, 4, 0}, 40));
        // a second cap: m = 80 -> class 2 whole (4), class 1 whole (30), class 0 takes the other 46
        assertArrayEquals(
                new int[] {46, 30, 4, 0}, ClassQuotas.capped(new double[] {1, 1, 1, 0}, new int[] {100, 30, 4, 0}, 80));
    }

    @Test
    void quotasFollowMassesAndRoundByLargestRemainder() {
        // masses 3:1 over rooms 9, 9 (after floors) with 8 to give: shares 6 and 2 -> 7, 3
        assertArrayEquals(new int[] {7, 3}, ClassQuotas.capped(new double[] {3, 1}, new int[] {10, 10}, 10));
        // masses 1:1:1 and 2 to give after floors: shares 2/3 each, remainders tie -> lower index first
        assertArrayEquals(new int[] {2, 2, 1}, ClassQuotas.capped(new double[] {1, 1, 1}, new int[] {5, 5, 5}, 5));
        // a zero-mass class keeps its floor row only
        assertArrayEquals(new int[] {9, 1}, ClassQuotas.capped(new double[] {1, 0}, new int[] {10, 10}, 10));
        // no mass anywhere: the rest goes by room (sizes)
        assertArrayEquals(new int[] {6, 2}, ClassQuotas.capped(new double[] {0, 0}, new int[] {15, 5}, 8));
        // budget below the classes present: no floor
        assertArrayEquals(new int[] {1, 0, 0}, ClassQuotas.capped(new double[] {5, 1, 1}, new int[] {5, 5, 5}, 1));
    }

    @Test
    void quotasAlwaysSumToTheBudgetAndRespectSizes() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 2000; trial++) {
            int g = 1 + r.nextInt(8);
            int[] size = new int[g];
            double[] mass = new double[g];
            int n = 0;
            for (int c = 0; c < g; c++) {
                size[c] = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextInt(200);
                mass[c] = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 10;
                n += size[c];
            }
            if (n == 0) {
                continue;
            }
            int m = 1 + r.nextInt(n);
            int[] q = ClassQuotas.capped(mass, size, m);
            assertEquals(m, Arrays.stream(q).sum(), "sum of quotas, trial " + trial);
            int present = (int) Arrays.stream(size).filter(s -> s > 0).count();
            for (int c = 0; c < g; c++) {
                assertTrue(q[c] >= 0 && q[c] <= size[c], "quota within class size, trial " + trial);
                if (m >= present && size[c] > 0) {
                    assertTrue(q[c] >= 1, "floor of one row per present class, trial " + trial);
                }
            }
        }
    }

    @Test
    void equalQuotasGiveEveryClassTheSameUnlessItIsSmaller() {
        int[] y = classesOf100And25And5();
        assertArrayEquals(new int[] {10, 10, 5}, ClassQuotas.equal(y, 3, 25));
    }

    @Test
    void allocateIsLargestRemainder() {
        assertArrayEquals(new int[] {2, 1, 0}, ClassQuotas.allocate(new int[] {5, 3, 1}, 3));
        assertArrayEquals(new int[] {5, 3, 1}, ClassQuotas.allocate(new int[] {5, 3, 1}, 9));
    }

    @Test
    void proportionalQuotasKeepTheMixWithAFloorRow() {
        int[] y = classesOf100And25And5();
        // 26 rows of 130 (sizes 100, 25, 5): a floor row each, then 23 by largest remainder over the rooms
        // 99, 24, 4: shares 17.93, 4.35, 0.72 -> 18, 4, 1 -> quotas 19, 5, 2
        assertArrayEquals(new int[] {19, 5, 2}, ClassQuotas.proportional(y, 3, 26));
        // budget below the classes present: no floor, plain largest remainder
        assertArrayEquals(new int[] {2, 0, 0}, ClassQuotas.proportional(y, 3, 2));
    }

    @Test
    void badInputIsRefused() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> ClassQuotas.capped(new double[] {1, -1}, new int[] {2, 2}, 2));
        assertTrue(e.getMessage().contains("class 1"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ClassQuotas.capped(new double[] {1, Double.NaN}, new int[] {2, 2}, 2));
        assertThrows(
                IllegalArgumentException.class, () -> ClassQuotas.capped(new double[] {1, 1}, new int[] {2, 2}, 5));
        assertThrows(
                IllegalArgumentException.class, () -> ClassQuotas.capped(new double[] {1, 1}, new int[] {2, 2}, 0));
    }
}
