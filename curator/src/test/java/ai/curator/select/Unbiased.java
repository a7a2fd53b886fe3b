package ai.curator.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Selection;
import java.util.function.Supplier;

/** Checks that a sampler's estimate Σ count·weight·ℓ of Σ ℓ is unbiased, within 3 standard errors. */
final class Unbiased {
    private Unbiased() {}

    /**
     * @param loss the per-row values whose total is estimated
     * @param draws the draws each selection must have
     * @param trials independent selections to average
     * @param sampler one selection per call (from a shared random stream)
     */
    static void assertUnbiased(double[] loss, int draws, int trials, Supplier<Selection> sampler) {
        double total = 0;
        for (double l : loss) {
            total += l;
        }
        double sum = 0;
        double sumSq = 0;
        for (int t = 0; t < trials; t++) {
            Selection s = sampler.get();
            assertEquals(draws, s.draws());
            double est = 0;
            for (int i = 0; i < s.size(); i++) {
                est += s.counts()[i] * s.weights()[i] * loss[s.rows()[i]];
            }
            sum += est;
            sumSq += est * est;
        }
        double mean = sum / trials;
        double se = Math.sqrt((sumSq / trials - mean * mean) / trials);
        assertTrue(Math.abs(mean - total) < 3 * se, "mean " + mean + " vs total " + total + " (se " + se + ")");
    }
}
