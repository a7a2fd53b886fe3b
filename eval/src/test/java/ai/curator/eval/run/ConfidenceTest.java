package ai.curator.eval.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfidenceTest {
    @Test
    void wilsonMatchesTheClosedForm() {
        // 1 of 4: statsmodels proportion_confint(1, 4, method="wilson") = (0.04558, 0.69936)
        Confidence.Interval i = Confidence.wilson(1, 4);
        assertEquals(0.04558, i.lo(), 1e-5);
        assertEquals(0.69936, i.hi(), 1e-5);
        // all correct: the upper end is 1, the lower end below it
        Confidence.Interval all = Confidence.wilson(1319, 1319);
        assertEquals(1.0, all.hi(), 1e-12);
        assertEquals(0.99709, all.lo(), 1e-5);
        assertTrue(Double.isNaN(Confidence.wilson(0, 0).lo()));
    }

    @Test
    void bootstrapIsSeededAndBracketsTheRatio() {
        double[] h = {1, 0, 2, 3, 1, 0, 2, 2};
        double[] n = {2, 1, 2, 4, 1, 2, 3, 2};
        Confidence.Interval a = Confidence.bootstrap(h, n, 1000, 7);
        Confidence.Interval b = Confidence.bootstrap(h, n, 1000, 7);
        assertEquals(a, b);
        double ratio = 11.0 / 17.0;
        assertTrue(a.lo() < ratio && ratio < a.hi(), a.toString());
        assertEquals("bootstrap", a.method());
    }
}
