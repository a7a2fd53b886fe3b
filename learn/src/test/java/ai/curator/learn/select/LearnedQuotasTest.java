package ai.curator.learn.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.curator.learn.select.algo.TopM;
import ai.curator.select.algo.ClassQuotas;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The learned class quotas of {@code asss_bilevel} ({@code class_quota: learned}). */
class LearnedQuotasTest {
    @Test
    void learnedQuotasWithConstantPAreTheProportionalOnes() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 10 == 0 ? 2 : i % 3 == 0 ? 1 : 0;
        }
        double[] p = new double[y.length];
        Arrays.fill(p, 0.3);
        assertArrayEquals(ClassQuotas.proportional(y, 3, 300), TopM.learnedQuotas(p, y, 3, 300));
        // p = 1 on class 2 only: class 2 kept whole (100 rows), the others their floor row and the rest by room
        for (int i = 0; i < y.length; i++) {
            p[i] = y[i] == 2 ? 1 : 0;
        }
        int[] q = TopM.learnedQuotas(p, y, 3, 300);
        assertEquals(100, q[2]);
        assertEquals(300, Arrays.stream(q).sum());
    }
}
