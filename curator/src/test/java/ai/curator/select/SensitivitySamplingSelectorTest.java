package ai.curator.select;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.curator.api.Selection;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SensitivitySamplingSelectorTest {
    @Test
    void countTimesWeightIsUnbiasedForTheTotal() {
        double[] loss = {1, 2, 3, 10, 0.5, 7, 4, 4, 2, 9, 0.1, 6};
        double[] sigma = {1, 1, 2, 8, 1, 5, 3, 3, 1, 6, 0.5, 4}; // roughly ∝ loss, never 0
        SplittableRandom rnd = new SplittableRandom(17);
        Unbiased.assertUnbiased(loss, 5, 5000, () -> SensitivitySamplingSelector.select(sigma, 5, rnd));
    }

    @Test
    void weightPerCopyIsOneOverSP() {
        double[] sigma = {1, 3, 2, 2};
        Selection s = SensitivitySamplingSelector.select(sigma, 3, new SplittableRandom(1));
        for (int i = 0; i < s.size(); i++) {
            double p = sigma[s.rows()[i]] / 8.0;
            assertEquals(1.0 / (3 * p), s.weights()[i], 1e-12);
        }
    }
}
