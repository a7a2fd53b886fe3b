package ai.curator.learn.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.curator.learn.select.algo.TopM;
import org.junit.jupiter.api.Test;

class TopMTest {
    private static final double[] SCORE = {0.9, 0.8, 0.7, 0.6, 0.1, 0.05};
    private static final int[] Y = {0, 0, 0, 0, 1, 2};

    @Test
    void plainTopMWhenEveryClassFits() {
        assertArrayEquals(
                new int[] {0, 1, 2, 3, 4, 5}, TopM.select(SCORE, Y, 3, 6).rows());
    }

    @Test
    void floorSwapsInOneRowPerEmptyClass() {
        TopM.Result r = TopM.select(SCORE, Y, 3, 3);
        // top-3 would be rows 0, 1, 2 (all class 0); classes 1 and 2 take the places of rows 2 and 1
        assertArrayEquals(new int[] {0, 4, 5}, r.rows());
        assertEquals(2, r.floorSwaps());
        assertEquals(0, r.emptyClasses());
    }

    @Test
    void budgetBelowClassCountLeavesClassesEmptyAndSaysSo() {
        TopM.Result r = TopM.select(SCORE, Y, 3, 2);
        assertArrayEquals(new int[] {0, 1}, r.rows());
        assertEquals(2, r.emptyClasses());
    }

    @Test
    void stratifiedKeepsClassProportions() {
        double[] s = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
        int[] y = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
        // m = 5: quotas 3 (class 0) and 2 (class 1); best of each class
        assertArrayEquals(new int[] {3, 4, 5, 8, 9}, TopM.stratified(s, y, 2, 5).rows());
        // m = 2 with a floor of one per class
        assertArrayEquals(new int[] {5, 9}, TopM.stratified(s, y, 2, 2).rows());
    }

    @Test
    void stratifiedSampleKeepsQuotasAndIsSeeded() {
        double[] s = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
        int[] y = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
        int[] a = TopM.stratifiedSample(s, y, 2, 5, new java.util.SplittableRandom(1))
                .rows();
        assertArrayEquals(
                a,
                TopM.stratifiedSample(s, y, 2, 5, new java.util.SplittableRandom(1))
                        .rows());
        int c0 = 0;
        for (int r : a) {
            c0 += y[r] == 0 ? 1 : 0;
        }
        assertEquals(5, a.length);
        assertEquals(3, c0);
    }

    @Test
    void rejectsBadBudgets() {
        assertThrows(IllegalArgumentException.class, () -> TopM.select(SCORE, Y, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> TopM.stratified(SCORE, Y, 3, 7));
    }
}
