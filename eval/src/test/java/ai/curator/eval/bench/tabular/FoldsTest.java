package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FoldsTest {
    @Test
    void stratifiedDisjointCoveringAndPaired() {
        int[] y = new int[103];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 80 ? 0 : i < 100 ? 1 : 2; // class 2 has 3 rows < 5 folds
        }
        List<Folds.Split> a = Folds.stratified(y, 3, 5, 2, 7);
        List<Folds.Split> b = Folds.stratified(y, 3, 5, 2, 7);
        assertEquals(10, a.size());
        for (int r = 0; r < 2; r++) {
            int[] seen = new int[y.length];
            for (int f = 0; f < 5; f++) {
                Folds.Split s = a.get(r * 5 + f);
                assertEquals(y.length, s.train().length + s.test().length);
                assertTrue(s.test().length == 20 || s.test().length == 21, "fold size " + s.test().length);
                int c1 = 0;
                for (int t : s.test()) {
                    seen[t]++;
                    c1 += y[t] == 1 ? 1 : 0;
                }
                assertEquals(4, c1, "class 1 (20 rows) spreads 4 per fold");
                assertTrue(java.util.Arrays.equals(s.test(), b.get(r * 5 + f).test()), "same seed, same folds");
            }
            for (int v : seen) {
                assertEquals(1, v);
            }
        }
        assertEquals(List.of(2), Folds.sparseClasses(y, 3, 5));
    }

    @Test
    void rejectsBadFoldCounts() {
        assertThrows(IllegalArgumentException.class, () -> Folds.stratified(new int[10], 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Folds.stratified(new int[3], 1, 5, 1, 0));
    }
}
