package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.Column;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LowRankSensitivityScorerTest {
    static final int N = 300;

    /** Rows in span(e1, e2), and every 10th row on e3 alone, so span(e1, e2) is exactly the top-2 subspace. */
    static FloatMatrix data() {
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = new float[N * 3];
        for (int i = 0; i < N; i++) {
            boolean off = i % 10 == 0;
            x[3 * i] = off ? 0f : (float) (3 * rnd.nextGaussian());
            x[3 * i + 1] = off ? 0f : (float) (2 * rnd.nextGaussian());
            x[3 * i + 2] = off ? 0.5f : 0f;
        }
        return new FloatMatrix(N, 3, x);
    }

    static Table table() {
        double[] loss = new double[N];
        for (int i = 0; i < N; i++) {
            loss[i] = 1 + (i % 7);
        }
        return new Table(List.of(Column.ofDoubles("loss", loss, null)), null, null);
    }

    @Test
    void basisModeWithSquaredNormMatchesAlgorithmOne() {
        FloatMatrix x = data();
        var o = new LowRankSensitivityScorer.Options(2, "basis", 5.0, 1.0, 1e-6, null, null, null, null, null, null);
        StageHarness h = new StageHarness(table(), 3, null).embeddings(x).run(new LowRankSensitivityScorer(o));
        double[] sigma = h.scores().get("low_rank_sensitivity");
        for (int i = 0; i < N; i++) {
            double proj = x.get(i, 0) * x.get(i, 0) + x.get(i, 1) * x.get(i, 1); // ‖α‖², ℓ(vᵢ) = 1
            double resid = x.get(i, 2) * x.get(i, 2);
            double expected = 6 * proj + 5 * 2 * 1.0 + 1.0 * resid + 1e-6; // (γ+1)L̂ + γkξ + λ‖r‖² + s
            assertEquals(expected, sigma[i], 1e-4 * expected, "row " + i);
        }
    }

    @Test
    void landmarkModeWithALossColumn() {
        var o = new LowRankSensitivityScorer.Options(
                2,
                "landmarks",
                null,
                1.0,
                null,
                0.3,
                null,
                null,
                null,
                LossSpec.of("column", java.util.Map.of("column", "loss")),
                "lrs");
        StageHarness h = new StageHarness(table(), 3, null).embeddings(data()).run(new LowRankSensitivityScorer(o));
        double[] sigma = h.scores().get("lrs");
        assertEquals(N, sigma.length);
        for (double s : sigma) {
            assertTrue(s > 0 && Double.isFinite(s));
        }
        assertEquals(0.0, o.gamma(), "landmark mode defaults γ to 0 (§4.2)");
    }

    @Test
    void planChecks() {
        var o = new LowRankSensitivityScorer.Options(5, null, null, null, null, null, null, null, null, null, null);
        StageHarness noEmb = new StageHarness(table(), 1, null);
        assertThrows(RecipeException.class, () -> new LowRankSensitivityScorer(o).plan(noEmb.plan()));
        var missingColumn = new LowRankSensitivityScorer.Options(
                2,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                LossSpec.of("column", java.util.Map.of("column", "nope")),
                null);
        StageHarness h = new StageHarness(table(), 1, null).embeddings(data());
        RecipeException e =
                assertThrows(RecipeException.class, () -> new LowRankSensitivityScorer(missingColumn).plan(h.plan()));
        assertTrue(e.getMessage().contains("loss.column 'nope' is not in the data"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new LowRankSensitivityScorer.Options(
                        0, null, null, null, null, null, null, null, null, null, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LowRankSensitivityScorer.Options(
                        2, "bases", null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> LossSpec.of("column", java.util.Map.of()));
    }

    @Test
    void negativeLossesAreRejected() {
        Table t = new Table(List.of(Column.ofDoubles("loss", new double[N], null)), null, null);
        double[] bad = new double[N];
        bad[7] = -1;
        Table neg = new Table(List.of(Column.ofDoubles("loss", bad, null)), null, null);
        assertEquals(0.0, LossOracles.column(t, "loss")[0]);
        var e = assertThrows(ai.curator.api.DataException.class, () -> LossOracles.column(neg, "loss"));
        assertTrue(e.getMessage().contains("has -1.0 in row 7"), e.getMessage());
        double[] nan = new double[N];
        nan[9] = Double.NaN;
        String[] ids = new String[N];
        for (int i = 0; i < N; i++) {
            ids[i] = "row-" + i;
        }
        Table withIds =
                new Table(List.of(Column.ofStrings("id", ids), Column.ofDoubles("loss", nan, null)), "id", null);
        var e2 = assertThrows(ai.curator.api.DataException.class, () -> LossOracles.column(withIds, "loss"));
        assertTrue(e2.getMessage().contains("has NaN in row 9 (id row-9)"), e2.getMessage());
        java.util.BitSet missing = new java.util.BitSet();
        missing.set(4);
        Table withNull = new Table(
                List.of(Column.ofStrings("id", ids), Column.ofDoubles("loss", new double[N], missing)), "id", null);
        var e3 = assertThrows(ai.curator.api.DataException.class, () -> LossOracles.column(withNull, "loss"));
        assertTrue(e3.getMessage().contains("has no value in row 4 (id row-4)"), e3.getMessage());
    }
}
