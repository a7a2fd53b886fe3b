package ai.curator.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void handCheckedBinary() {
        // p(class 1): 0.9, 0.6, 0.4, 0.2 for truths 1, 0, 1, 0 → predictions 1, 1, 0, 0
        float[] p = {0.1f, 0.9f, 0.4f, 0.6f, 0.6f, 0.4f, 0.8f, 0.2f};
        int[] y = {1, 0, 1, 0};
        Metrics m = Metrics.of(p, y, 2);
        assertEquals(0.5, m.accuracy(), 1e-12);
        // class 0: tp 1, true 2, pred 2 → F1 0.5; class 1 likewise
        assertEquals(0.5, m.macroF1(), 1e-12);
        // AUC of class 1: pairs (pos, neg): (0.9>0.6), (0.9>0.2), (0.4<0.6), (0.4>0.2) → 3/4; class 0 symmetric
        assertEquals(0.75, m.macroAuc(), 1e-12);
    }

    @Test
    void tiesGetHalfCreditAndAbsentClassesAreSkipped() {
        // three classes, class 2 absent from the fold and never predicted: left out of F1 and AUC
        float[] p = {0.5f, 0.5f, 0f, 0.5f, 0.5f, 0f};
        int[] y = {0, 1};
        Metrics m = Metrics.of(p, y, 3);
        assertEquals(0.5, m.accuracy(), 1e-12); // ties → class 0
        assertEquals(0.5, m.macroAuc(), 1e-12);
        // class 0: tp 1, true 1, pred 2 → 2/3; class 1: 0 → mean 1/3
        assertEquals(1.0 / 3, m.macroF1(), 1e-12);
    }
}
