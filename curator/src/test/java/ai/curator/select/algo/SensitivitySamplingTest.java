package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SensitivitySamplingTest {
    static final double[] LOSS = {1, 2, 3, 4, 10, 0, 0.5, 7};
    static final double[] SIGMA = {1, 1, 2, 2, 5, 0.1, 0.5, 3}; // deliberately not ∝ loss

    /** Mean of Σ w·ℓ over many seeds is within 3 standard errors of Σℓ. */
    static void assertUnbiased(java.util.function.IntFunction<WeightedSample> draw) {
        double truth = Arrays.stream(LOSS).sum();
        int trials = 4000;
        double sum = 0;
        double sumSq = 0;
        for (int t = 0; t < trials; t++) {
            double est = draw.apply(t).estimateSum(LOSS);
            sum += est;
            sumSq += est * est;
        }
        double mean = sum / trials;
        double se = Math.sqrt((sumSq / trials - mean * mean) / trials);
        assertTrue(Math.abs(mean - truth) <= 3 * se, "mean " + mean + " vs " + truth + " (se " + se + ")");
    }

    @Test
    void sensitivityEstimatorIsUnbiased() {
        assertUnbiased(t -> SensitivitySampling.sample(SIGMA, 3, new SplittableRandom(t)));
    }

    @Test
    void uniformEstimatorsAreUnbiased() {
        assertUnbiased(t -> UniformSampling.withReplacement(LOSS.length, 3, new SplittableRandom(t)));
        assertUnbiased(t -> UniformSampling.withoutReplacement(LOSS.length, 3, new SplittableRandom(t)));
    }

    @Test
    void weightsAreCountOverSP() {
        WeightedSample w = SensitivitySampling.sample(SIGMA, 5, new SplittableRandom(11));
        double total = Arrays.stream(SIGMA).sum();
        int draws = 0;
        for (int j = 0; j < w.size(); j++) {
            double p = SIGMA[w.rows()[j]] / total;
            assertEquals(w.counts()[j] / (5 * p), w.weights()[j], 1e-12);
            draws += w.counts()[j];
            if (j > 0) {
                assertTrue(w.rows()[j] > w.rows()[j - 1]);
            }
        }
        assertEquals(5, draws);
    }

    @Test
    void zeroScoreRowsAreNeverDrawn() {
        double[] s = {0, 1, 0, 0, 1};
        for (int seed = 0; seed < 200; seed++) {
            for (int r :
                    SensitivitySampling.sample(s, 4, new SplittableRandom(seed)).rows()) {
                assertTrue(r == 1 || r == 4);
            }
        }
    }

    @Test
    void deterministicForSeed() {
        assertEquals(
                SensitivitySampling.sample(SIGMA, 4, new SplittableRandom(5)),
                SensitivitySampling.sample(SIGMA, 4, new SplittableRandom(5)));
    }

    @Test
    void rejectsBadInput() {
        assertEquals(
                "sensitivity_sampling.budget must be >= 1, got 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SensitivitySampling.sample(SIGMA, 0, new SplittableRandom(1)))
                        .getMessage());
        assertEquals(
                "sensitivity_sampling.budget must be <= the number of rows N = 8, got 9",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SensitivitySampling.sample(SIGMA, 9, new SplittableRandom(1)))
                        .getMessage());
        assertEquals(
                "sensitivity scores must be finite and >= 0: score[1] = NaN",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SensitivitySampling.sample(
                                        new double[] {1, Double.NaN}, 1, new SplittableRandom(1)))
                        .getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SensitivitySampling.sample(new double[] {1, -1}, 1, new SplittableRandom(1)));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> SensitivitySampling.sample(new double[] {0, 0}, 1, new SplittableRandom(1)))
                .getMessage()
                .contains("positive finite sum"));
    }

    @Test
    void uniformWithoutReplacementIsDistinctWithWeightNOverS() {
        WeightedSample w = UniformSampling.withoutReplacement(10, 4, new SplittableRandom(3));
        assertEquals(4, w.size());
        assertArrayEquals(new double[] {2.5, 2.5, 2.5, 2.5}, w.weights());
    }
}
