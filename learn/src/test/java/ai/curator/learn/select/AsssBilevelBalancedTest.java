package ai.curator.learn.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.learn.select.algo.AsssBilevel;
import ai.curator.linalg.FloatMatrix;
import ai.curator.select.algo.ClassQuotas;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The class-balanced objective of {@code asss_bilevel} moves the subset's class mix toward the rare
 * classes, while the row-averaged objective with the same learned quotas keeps about the classes'
 * shares: the selector, not the quota rule, decides the mix.
 */
class AsssBilevelBalancedTest {
    private static final int N = 2000;

    /** Three overlapping Gaussian classes of 85 %, 12 % and 3 % of the rows. */
    private static FloatMatrix data(int[] y) {
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[N * 2];
        double[][] mu = {{0, 0}, {1.5, 0}, {0, 1.5}};
        for (int i = 0; i < N; i++) {
            double u = r.nextDouble();
            y[i] = u < 0.85 ? 0 : u < 0.97 ? 1 : 2;
            x[2 * i] = (float) (mu[y[i]][0] + r.nextGaussian());
            x[2 * i + 1] = (float) (mu[y[i]][1] + r.nextGaussian());
        }
        return new FloatMatrix(N, 2, x);
    }

    private static double[] keptShare(int[] y, int[] rows) {
        double[] k = new double[3];
        double[] n = new double[3];
        for (int v : y) {
            n[v]++;
        }
        for (int r : rows) {
            k[y[r]]++;
        }
        return new double[] {k[0] / n[0], k[1] / n[1], k[2] / n[2]};
    }

    @Test
    void classBalancedLossKeepsMoreOfTheRareClasses() {
        int[] y = new int[N];
        FloatMatrix x = data(y);
        MlpClassifier.Options task = new MlpClassifier.Options(16, 16, 1, 64, 1e-2, 1, 0);
        int m = 300; // 15 %
        double[][] share = new double[2][];
        for (int v = 0; v < 2; v++) {
            boolean balanced = v == 1;
            AsssBilevel.Params p = new AsssBilevel.Params(
                    4,
                    64,
                    1e-3,
                    1e-3,
                    1.0,
                    1.0,
                    0.2,
                    1.0,
                    new int[] {16, 8},
                    2,
                    task,
                    true,
                    balanced,
                    AsssBilevel.Quota.LEARNED);
            Asss.Result r = AsssBilevel.run(x, y, 3, m, p, 5);
            share[v] = keptShare(y, r.top().rows());
            System.out.printf(
                    "held-out loss %s: kept share by class %.3f %.3f %.3f%n",
                    balanced ? "class_balanced" : "mean", share[v][0], share[v][1], share[v][2]);
        }
        // measured (seed 5): kept share by class 0.157 / 0.098 / 0.125 (mean) vs 0.106 / 0.424 / 0.458 (class_balanced)
        assertTrue(share[1][2] > 2 * share[0][2], "rare class: balanced " + share[1][2] + " vs mean " + share[0][2]);
        assertTrue(share[1][0] < share[0][0], "majority class: balanced " + share[1][0] + " vs mean " + share[0][0]);
    }

    @Test
    void equalQuotasGiveEveryClassTheSameShareAndDrawWithinItByP() {
        int[] y = new int[N];
        FloatMatrix x = data(y);
        MlpClassifier.Options task = new MlpClassifier.Options(16, 16, 1, 64, 1e-2, 1, 0);
        int m = 300;
        AsssBilevel.Params p = new AsssBilevel.Params(
                2,
                64,
                1e-3,
                1e-3,
                1.0,
                1.0,
                0.2,
                1.0,
                new int[] {16, 8},
                1,
                task,
                true,
                false,
                AsssBilevel.Quota.EQUAL);
        Asss.Result r = AsssBilevel.run(x, y, 3, m, p, 5);
        int[] kept = new int[3];
        for (int row : r.top().rows()) {
            kept[y[row]]++;
        }
        // every class its equal share (the 3 % class, ~60 rows, is smaller than 100 and kept whole)
        assertArrayEquals(ClassQuotas.equal(y, 3, m), kept);
        assertTrue(kept[0] == kept[1] && kept[2] == ai.curator.tabular.Labels.counts(y, 3)[2], Arrays.toString(kept));
    }

    @Test
    void recipeOptionsNameTheValidChoices() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new AsssBilevelSelector.Options(
                        ai.curator.api.Budget.ofRatio(0.3),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "balanced",
                        null,
                        null));
        assertTrue(
                e.getMessage().contains("held_out_loss") && e.getMessage().contains("class_balanced"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new AsssBilevelSelector.Options(
                        ai.curator.api.Budget.ofRatio(0.3),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "flat",
                        null));
        assertTrue(
                e.getMessage().contains("class_quota")
                        && e.getMessage().contains("learned")
                        && e.getMessage().contains("equal"),
                e.getMessage());
        assertTrue(new AsssBilevelSelector.Options(
                                ai.curator.api.Budget.ofRatio(0.3),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "sample",
                                null,
                                "equal",
                                null)
                        .params()
                        .quota()
                == AsssBilevel.Quota.EQUAL);
        AsssBilevel.Params p = new AsssBilevelSelector.Options(
                        ai.curator.api.Budget.ofRatio(0.3),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(8, 8),
                        null,
                        "sample",
                        "class_balanced",
                        "learned",
                        null)
                .params();
        assertTrue(p.sample() && p.classBalanced() && p.quota() == AsssBilevel.Quota.LEARNED);
        var blank = assertThrows(
                IllegalArgumentException.class,
                () -> new AsssBilevelSelector.Options(
                        ai.curator.api.Budget.ofRatio(0.3),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        " "));
        assertTrue(
                blank.getMessage().contains("asss_bilevel.column must be a non-empty column name"), blank.getMessage());
    }
}
