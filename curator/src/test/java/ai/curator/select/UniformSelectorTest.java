package ai.curator.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Column;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import ai.curator.api.Table;
import ai.curator.select.algo.ClassQuotas;
import ai.curator.select.algo.UniformSampling;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformSelectorTest {
    @Test
    void weightsAreNOverS() {
        Selection s = UniformSelector.select(10, 4, false, new SplittableRandom(1));
        assertEquals(4, s.size());
        for (double w : s.weights()) {
            assertEquals(2.5, w);
        }
    }

    @Test
    void everyRowIsEquallyLikely() {
        int n = 10;
        int[] hits = new int[n];
        int trials = 20_000;
        SplittableRandom rnd = new SplittableRandom(5);
        for (int t = 0; t < trials; t++) {
            for (int r : UniformSelector.select(n, 3, false, rnd).rows()) {
                hits[r]++;
            }
        }
        double expected = trials * 3.0 / n; // 6000, sd ≈ sqrt(6000·0.7) ≈ 65
        for (int h : hits) {
            assertTrue(Math.abs(h - expected) < 5 * 65, "hits " + h + " vs " + expected);
        }
    }

    @Test
    void estimatorIsUnbiasedWithReplacement() {
        double[] loss = {1, 2, 3, 10, 0.5, 7, 4, 4, 2, 9};
        SplittableRandom rnd = new SplittableRandom(11);
        Unbiased.assertUnbiased(loss, 4, 4000, () -> UniformSelector.select(loss.length, 4, true, rnd));
    }

    @Test
    void rejectsImpossibleDraws() {
        assertThrows(
                IllegalArgumentException.class, () -> UniformSelector.select(3, 4, false, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new UniformSelector.Options(null, null));
    }

    /** 130 rows: classes of 100, 25 and 5 rows (label values 7, 8, 9). */
    private static Table labelled() {
        long[] label = new long[130];
        double[] x = new double[130];
        for (int i = 0; i < label.length; i++) {
            label[i] = i < 100 ? 7 : i < 125 ? 8 : 9;
            x[i] = i;
        }
        return new Table(List.of(Column.ofDoubles("x", x, null), Column.ofLongs("y", label, null)), null, null);
    }

    @Test
    void equalClassQuotasKeepSmallClassesWholeAndWeighByClassSize() {
        StageHarness h = new StageHarness(labelled(), 3, null).label("y");
        Selection s = h.run(new UniformSelector(new UniformSelector.Options(Budget.ofCount(30), false, "equal")))
                .selection()
                .orElseThrow();
        // floors 1, 1, 1; 27 more over rooms 99, 24, 4 at equal mass: class 9 is filled (5 rows in all),
        // classes 7 and 8 share the other 23 -> 11.5 each -> the tie goes to the lower index: 13, 12, 5
        int[] kept = new int[3];
        double[] weight = new double[3];
        for (int i = 0; i < s.size(); i++) {
            int c = s.rows()[i] < 100 ? 0 : s.rows()[i] < 125 ? 1 : 2;
            kept[c]++;
            weight[c] += s.weights()[i];
            assertEquals(1, s.counts()[i]);
        }
        assertEquals(List.of(13, 12, 5), List.of(kept[0], kept[1], kept[2]));
        // the weights of a class add up to its size: totals stay unbiased whatever the mix
        assertEquals(100, weight[0], 1e-9);
        assertEquals(25, weight[1], 1e-9);
        assertEquals(5, weight[2], 1e-9);
    }

    @Test
    void proportionalClassQuotasKeepTheMix() {
        StageHarness h = new StageHarness(labelled(), 3, null).label("y");
        Selection s = h.run(new UniformSelector(new UniformSelector.Options(Budget.ofCount(26), false, "proportional")))
                .selection()
                .orElseThrow();
        int[] kept = new int[3];
        for (int r : s.rows()) {
            kept[r < 100 ? 0 : r < 125 ? 1 : 2]++;
        }
        assertEquals(List.of(19, 5, 2), List.of(kept[0], kept[1], kept[2]));
    }

    @Test
    void classQuotaEstimatorIsUnbiased() {
        double[] loss = new double[130];
        int[] y = new int[130];
        for (int i = 0; i < loss.length; i++) {
            y[i] = i < 100 ? 0 : i < 125 ? 1 : 2;
            loss[i] = 1 + (i * 37 % 11) + 20 * y[i];
        }
        int[] quota = ClassQuotas.equal(y, 3, 30);
        SplittableRandom rnd = new SplittableRandom(4);
        Unbiased.assertUnbiased(
                loss, 30, 4000, () -> Selectors.fromSample(UniformSampling.withinClasses(y, 3, quota, rnd), "uniform"));
    }

    @Test
    void classQuotaNeedsALabelAndNoReplacement() {
        var noLabel = new StageHarness(labelled(), 3, null);
        var e = assertThrows(
                RecipeException.class,
                () -> noLabel.run(
                        new UniformSelector(new UniformSelector.Options(Budget.ofCount(30), false, "equal"))));
        assertTrue(e.getMessage().contains("dataset.label"), e.getMessage());
        var r = assertThrows(
                IllegalArgumentException.class, () -> new UniformSelector.Options(Budget.ofCount(3), true, "equal"));
        assertTrue(r.getMessage().contains("replace"), r.getMessage());
        var u = assertThrows(
                IllegalArgumentException.class, () -> new UniformSelector.Options(Budget.ofCount(3), false, "flat"));
        assertTrue(u.getMessage().contains("[none, proportional, equal]"), u.getMessage());
    }
}
