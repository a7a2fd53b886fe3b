package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** k-center greedy and radius thinning on points of a line. */
class GeometricSelectionTest {
    static FloatMatrix line(int n) {
        FloatMatrix x = new FloatMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, i);
        }
        return x;
    }

    @Test
    void kCenterPicksFarthestPointsOnALine() {
        int[] s = KCenterGreedy.select(line(11), new KCenterGreedy.Options(4, 0), new SplittableRandom(1));
        // from 0: farthest is 10, then 5; then 2, 3, 7, 8 tie at distance 2 and the lowest id wins
        assertArrayEquals(new int[] {0, 10, 5, 2}, s);
    }

    @Test
    void kCenterValidationAndDeterminism() {
        assertEquals(
                "k_center_greedy.budget must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new KCenterGreedy.Options(0, -1))
                        .getMessage());
        assertEquals(
                "k_center_greedy.budget must be <= the number of rows N = 11, got 12",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> KCenterGreedy.select(
                                        line(11), new KCenterGreedy.Options(12, -1), new SplittableRandom(1)))
                        .getMessage());
        assertArrayEquals(
                KCenterGreedy.select(line(30), new KCenterGreedy.Options(5, -1), new SplittableRandom(7)),
                KCenterGreedy.select(line(30), new KCenterGreedy.Options(5, -1), new SplittableRandom(7)));
    }

    @Test
    void kCenterOnIdenticalRowsReturnsDistinctIds() {
        FloatMatrix x = new FloatMatrix(6, 3);
        int[] s = KCenterGreedy.select(x, new KCenterGreedy.Options(4, 0), new SplittableRandom(1));
        assertEquals(4, Arrays.stream(s).distinct().count());
    }

    @Test
    void thinningAtFixedRadiusKeepsEverySecondPoint() {
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertArrayEquals(new int[] {0, 2, 4, 6, 8, 10}, RadiusThinning.thin(line(11), order, 1.5));
    }

    @Test
    void thinningMeetsBudgetExactly() {
        for (int budget : new int[] {1, 3, 7, 20, 49, 50}) {
            RadiusThinning.Result r = RadiusThinning.select(
                    line(50), new RadiusThinning.Options(budget, true, 40), new SplittableRandom(budget));
            assertEquals(budget, r.rows().length);
            assertEquals(budget, Arrays.stream(r.rows()).distinct().count());
        }
        RadiusThinning.Result r =
                RadiusThinning.select(line(50), new RadiusThinning.Options(10, false, 40), new SplittableRandom(1));
        // in row order the kept points are evenly spaced, gaps ≤ 2·ρ
        for (int j = 1; j < r.rows().length; j++) {
            assertTrue(r.rows()[j] - r.rows()[j - 1] <= 2 * r.radius() + 1e-9);
        }
    }

    @Test
    void thinningValidation() {
        assertEquals(
                "radius_thinning.budget must be >= 1, got -3",
                assertThrows(IllegalArgumentException.class, () -> new RadiusThinning.Options(-3, true, 10))
                        .getMessage());
        assertEquals(
                "radius_thinning.budget must be <= the number of rows N = 11, got 12",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> RadiusThinning.select(
                                        line(11), new RadiusThinning.Options(12, true, 10), new SplittableRandom(1)))
                        .getMessage());
    }
}
