package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.LossOracle;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LowRankSensitivityTest {
    /** Rows (a, b, small noise): essentially rank 2 in 4 dims. */
    static FloatMatrix data(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FloatMatrix x = new FloatMatrix(n, 4);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, (float) (3 * rnd.nextGaussian()));
            x.set(i, 1, (float) (2 * rnd.nextGaussian()));
            x.set(i, 2, (float) (0.05 * rnd.nextGaussian()));
            x.set(i, 3, (float) (0.05 * rnd.nextGaussian()));
        }
        return x;
    }

    static LossOracle squaredNorm(FloatMatrix x, int[] calls) {
        double[] sq = x.rowSquaredNorms();
        return rows -> {
            calls[0] += rows.length;
            double[] out = new double[rows.length];
            for (int j = 0; j < rows.length; j++) {
                out[j] = sq[rows[j]];
            }
            return out;
        };
    }

    @Test
    void basisModeWithUnitBasisLossesGivesNormDecomposition() {
        // ℓ(x) = ‖x‖², ℓ(v_i) = 1 ⇒ L̂ = ‖α‖², and with γ = 0, λ = 1: σ = ‖α‖² + ‖r‖² + s = ‖x‖² + s
        FloatMatrix x = data(200, 1);
        LowRankSensitivity.Options o = new LowRankSensitivity.Options(
                2,
                LowRankSensitivity.LossMode.BASIS,
                0,
                1,
                1e-6,
                0.2,
                Double.NaN,
                RandomizedSvd.Options.ofRank(2),
                KernelRidgeRegression.Options.defaults());
        LowRankSensitivity.Result r =
                LowRankSensitivity.score(x, null, new double[] {1, 1}, o, new SplittableRandom(3));
        double[] sq = x.rowSquaredNorms();
        for (int i = 0; i < 200; i++) {
            assertEquals(sq[i] + 1e-6, r.sensitivity()[i], 1e-4 * (1 + sq[i]));
            assertTrue(r.residualSq()[i] < 0.1);
        }
        assertEquals(2.0, Arrays.stream(r.leverage()).sum(), 1e-4);
        assertEquals(1.0, r.xi());
    }

    @Test
    void paperSettingsFormula() {
        FloatMatrix x = data(100, 2);
        LowRankSensitivity.Result r = LowRankSensitivity.score(
                x, null, new double[] {2, 0.5}, LowRankSensitivity.Options.basis(2), new SplittableRandom(3));
        for (int i = 0; i < 100; i++) {
            double expect = 6 * r.lossEstimate()[i] + 5 * 2 * 2.0 + r.residualSq()[i] + 1e-6;
            assertEquals(expect, r.sensitivity()[i], 1e-9 * expect);
        }
    }

    @Test
    void landmarksModeCallsOracleOnLandmarksOnlyAndKeepsTheirLoss() {
        FloatMatrix x = data(300, 4);
        int[] calls = {0};
        LossOracle oracle = squaredNorm(x, calls);
        LowRankSensitivity.Result r = LowRankSensitivity.score(
                x, oracle, null, LowRankSensitivity.Options.landmarks(2, 1.0), new SplittableRandom(8));
        assertEquals(60, r.oracleRows().length);
        assertEquals(60, calls[0]);
        double[] sq = x.rowSquaredNorms();
        for (int j = 0; j < 60; j++) {
            assertEquals(sq[r.oracleRows()[j]], r.lossEstimate()[r.oracleRows()[j]], 1e-12);
        }
        // the RBF fit extrapolates a smooth loss: correlation of estimate with truth is high
        double err = 0;
        double tot = 0;
        double mean = Arrays.stream(sq).average().orElse(0);
        for (int i = 0; i < 300; i++) {
            err += Math.pow(r.lossEstimate()[i] - sq[i], 2);
            tot += Math.pow(sq[i] - mean, 2);
        }
        assertTrue(err < 0.2 * tot, "relative squared error " + err / tot);
        for (double s : r.sensitivity()) {
            assertTrue(s > 0 && Double.isFinite(s));
        }
    }

    @Test
    void deterministicForSeed() {
        FloatMatrix x = data(150, 5);
        LossOracle oracle = squaredNorm(x, new int[1]);
        LowRankSensitivity.Options o = LowRankSensitivity.Options.landmarks(2, 0.5);
        assertArrayEquals(
                LowRankSensitivity.score(x, oracle, null, o, new SplittableRandom(1))
                        .sensitivity(),
                LowRankSensitivity.score(x, oracle, null, o, new SplittableRandom(1))
                        .sensitivity());
    }

    @Test
    void endToEndEstimatorIsUnbiasedForTrueLosses() {
        FloatMatrix x = data(60, 6);
        double[] loss = x.rowSquaredNorms();
        LowRankSensitivity.Result r = LowRankSensitivity.score(
                x, null, new double[] {1, 1}, LowRankSensitivity.Options.basis(2), new SplittableRandom(2));
        double truth = Arrays.stream(loss).sum();
        int trials = 3000;
        double sum = 0;
        double sumSq = 0;
        for (int t = 0; t < trials; t++) {
            double e = SensitivitySampling.sample(r.sensitivity(), 10, new SplittableRandom(t))
                    .estimateSum(loss);
            sum += e;
            sumSq += e * e;
        }
        double mean = sum / trials;
        double se = Math.sqrt((sumSq / trials - mean * mean) / trials);
        assertTrue(Math.abs(mean - truth) <= 3 * se, mean + " vs " + truth);
    }

    @Test
    void allZeroRowsStillGetPositiveScoresFromSmoothing() {
        FloatMatrix x = data(50, 7);
        for (int j = 0; j < 4; j++) {
            x.set(10, j, 0f);
        }
        LowRankSensitivity.Result r = LowRankSensitivity.score(
                x, null, new double[] {1, 1}, LowRankSensitivity.Options.basis(2), new SplittableRandom(1));
        assertEquals(5 * 2 * 1.0 + 1e-6, r.sensitivity()[10], 1e-9);
    }

    @Test
    void rejectsBadInputsWithClearMessages() {
        FloatMatrix x = data(50, 7);
        assertEquals(
                "low_rank_sensitivity.rank must be < min(N, d) = 4, got 4",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LowRankSensitivity.score(
                                        x,
                                        null,
                                        new double[] {1, 1, 1, 1},
                                        LowRankSensitivity.Options.basis(4),
                                        new SplittableRandom(1)))
                        .getMessage());
        assertEquals(
                "low_rank_sensitivity.rank must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> LowRankSensitivity.Options.basis(0))
                        .getMessage());
        assertEquals(
                "low_rank_sensitivity.gamma must be finite and >= 0, got -1.0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new LowRankSensitivity.Options(
                                        2,
                                        LowRankSensitivity.LossMode.BASIS,
                                        -1,
                                        1,
                                        0,
                                        0.2,
                                        Double.NaN,
                                        RandomizedSvd.Options.ofRank(2),
                                        KernelRidgeRegression.Options.defaults()))
                        .getMessage());
        assertEquals(
                "low_rank_sensitivity.landmark_fraction must be in (0, 1], got 0.0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new LowRankSensitivity.Options(
                                        2,
                                        LowRankSensitivity.LossMode.LANDMARKS,
                                        0,
                                        1,
                                        0,
                                        0.0,
                                        Double.NaN,
                                        RandomizedSvd.Options.ofRank(2),
                                        KernelRidgeRegression.Options.defaults()))
                        .getMessage());
        assertEquals(
                "loss oracle must return finite losses >= 0, got -0.5 for row 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LowRankSensitivity.score(
                                        x,
                                        rows -> {
                                            double[] l = new double[rows.length];
                                            Arrays.fill(l, -0.5);
                                            return l;
                                        },
                                        null,
                                        LowRankSensitivity.Options.landmarks(2, 1),
                                        new SplittableRandom(1)))
                        .getMessage()
                        .replaceAll("row \\d+", "row 0"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LowRankSensitivity.score(
                                x,
                                rows -> {
                                    double[] l = new double[rows.length];
                                    Arrays.fill(l, Double.NaN);
                                    return l;
                                },
                                null,
                                LowRankSensitivity.Options.landmarks(2, 1),
                                new SplittableRandom(1)))
                .getMessage()
                .startsWith("loss oracle must return finite losses >= 0, got NaN"));
        assertEquals(
                "low_rank_sensitivity needs a loss oracle in landmarks mode",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LowRankSensitivity.score(
                                        x,
                                        null,
                                        null,
                                        LowRankSensitivity.Options.landmarks(2, 1),
                                        new SplittableRandom(1)))
                        .getMessage());
        FloatMatrix bad = x.copy();
        bad.set(3, 1, Float.NaN);
        assertEquals(
                "low_rank_sensitivity embeddings must be finite: row 3, column 1 is NaN",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LowRankSensitivity.score(
                                        bad,
                                        null,
                                        new double[] {1, 1},
                                        LowRankSensitivity.Options.basis(2),
                                        new SplittableRandom(1)))
                        .getMessage());
    }
}
