package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code uniform_balanced}: equal class quotas (water-filled), equal weights N/M, seeded, uniform within a class. */
class UniformBalancedTest {
    private static int[] skewed() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 100 == 7 ? 2 : i % 5 == 1 ? 1 : 0; // 10 rows of class 2, ~198 of class 1, the rest class 0
        }
        return y;
    }

    @Test
    void keepsSmallClassesWholeAndSharesTheRestEqually() {
        int[] y = skewed();
        int[] size = ai.curator.tabular.Labels.counts(y, 3);
        Baselines.Picked p = Baselines.uniformBalanced(y, 3, 300, new SplittableRandom(1));
        int[] kept = new int[3];
        for (int j = 0; j < p.rows().length; j++) {
            kept[y[p.rows()[j]]]++;
            assertEquals(1000 / 300.0, p.weights()[j], 0.0, "every row weighs N/M: the subset is trained on as it is");
            if (j > 0) {
                assertTrue(p.rows()[j] > p.rows()[j - 1], "rows distinct and ascending");
            }
        }
        assertEquals(10, size[2]);
        assertArrayEquals(new int[] {145, 145, 10}, kept, "class 2 whole, 290 rows shared equally");
    }

    @Test
    void isSeededAndUniformWithinAClass() {
        int[] y = skewed();
        int[] a = Baselines.uniformBalanced(y, 3, 300, new SplittableRandom(1)).rows();
        assertArrayEquals(
                a, Baselines.uniformBalanced(y, 3, 300, new SplittableRandom(1)).rows());
        assertNotEquals(
                Arrays.toString(a),
                Arrays.toString(Baselines.uniformBalanced(y, 3, 300, new SplittableRandom(2))
                        .rows()));
        // every class-0 row is kept about equally often over many draws
        int[] hits = new int[y.length];
        for (int s = 0; s < 400; s++) {
            for (int r : Baselines.uniformBalanced(y, 3, 300, new SplittableRandom(100 + s))
                    .rows()) {
                hits[r]++;
            }
        }
        int class0 = (int) Arrays.stream(y).filter(v -> v == 0).count();
        double expect = 400.0 * 145 / class0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == 0) {
                assertTrue(
                        Math.abs(hits[i] - expect) < 6 * Math.sqrt(expect),
                        "row " + i + " kept " + hits[i] + " times, expected ~" + expect);
            }
        }
    }

    @Test
    void refusesABudgetBelowTheClassCount() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Baselines.uniformBalanced(skewed(), 3, 2, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("uniform_balanced"), e.getMessage());
    }

    @Test
    void fullBalancedWeighsEveryClassTheSame() {
        int[] y = skewed();
        int[] size = ai.curator.tabular.Labels.counts(y, 3);
        Baselines.Picked p = Baselines.fullBalanced(y, 3);
        assertEquals(y.length, p.rows().length, "every row");
        double[] total = new double[3];
        for (int j = 0; j < p.rows().length; j++) {
            assertEquals(j, p.rows()[j]);
            total[y[j]] += p.weights()[j];
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(y.length / 3.0, total[c], 1e-9, "class " + c + " (" + size[c] + " rows) weighs N/C in all");
        }
    }
}
