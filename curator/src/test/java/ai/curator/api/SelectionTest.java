package ai.curator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SelectionTest {
    @Test
    void validatesRowsCountsAndWeights() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Selection(new int[] {2, 1}, new int[] {1, 1}, new double[] {1, 1}, "m"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Selection(new int[] {1}, new int[] {0}, new double[] {1}, "m"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Selection(new int[] {1}, new int[] {1}, new double[] {Double.NaN}, "m"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Selection(new int[] {1}, new int[] {1}, new double[] {1, 2}, "m"));
    }

    @Test
    void allSelectsEveryRowOnce() {
        Selection s = Selection.all(3);
        assertEquals(3, s.size());
        assertEquals(3, s.draws());
        assertEquals("full", s.method());
    }
}
