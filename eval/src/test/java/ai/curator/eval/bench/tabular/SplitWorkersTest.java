package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How splits are dealt to worker processes (the processes themselves run in {@code TabularBenchIT}). */
class SplitWorkersTest {
    @Test
    void everySplitGoesToExactlyOneWorkerInTurn() {
        assertArrayEquals(new int[] {0, 3, 6, 9}, SplitWorkers.share(0, 3, 10));
        assertArrayEquals(new int[] {1, 4, 7}, SplitWorkers.share(1, 3, 10));
        assertArrayEquals(new int[] {2, 5, 8}, SplitWorkers.share(2, 3, 10));
        for (int count = 1; count <= 12; count++) {
            for (int workers = 1; workers <= count; workers++) {
                List<Integer> seen = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    for (int i : SplitWorkers.share(w, workers, count)) {
                        seen.add(i);
                    }
                }
                seen.sort(null);
                assertEquals(count, seen.size(), count + " splits on " + workers);
                for (int i = 0; i < count; i++) {
                    assertEquals(i, seen.get(i));
                }
            }
        }
    }
}
