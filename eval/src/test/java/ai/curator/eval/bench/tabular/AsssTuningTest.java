package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** asss_tuned's search: the stratified hold-out, the grid, the pick (argmax, ties to the earlier point), determinism. */
class AsssTuningTest {
    @Test
    void holdOutIsStratifiedAndDisjoint() {
        int[] y = new int[16];
        for (int i = 0; i < 16; i++) {
            y[i] = i < 10 ? 0 : i < 15 ? 1 : 2; // sizes 10, 5, 1
        }
        int[][] parts = AsssTuning.holdOut(y, 3, 0.2, new SplittableRandom(1));
        int[] held = new int[3];
        for (int i : parts[1]) {
            held[y[i]]++;
        }
        // round(0.2·10) = 2, round(0.2·5) = 1, a one-row class stays in the inner part
        assertArrayEquals(new int[] {2, 1, 0}, held);
        int[] all = IntStream.concat(IntStream.of(parts[0]), IntStream.of(parts[1]))
                .sorted()
                .toArray();
        assertArrayEquals(IntStream.range(0, 16).toArray(), all, "inner and validation rows partition the fold");
        // a two-row class gives one row; a share that rounds to 0 still gives one
        int[][] small = AsssTuning.holdOut(new int[] {0, 0, 1, 1, 1}, 2, 0.1, new SplittableRandom(1));
        assertEquals(2, small[1].length);
        var e = assertThrows(
                IllegalArgumentException.class, () -> AsssTuning.holdOut(y, 3, 0.7, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("(0, 0.5]"), e.getMessage());
    }

    @Test
    void picksTheBestValidationF1OverTheWholeGridDeterministically() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 300;
        int[] y = new int[n];
        float[] x = new float[n * 2];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3 == 0 ? 1 : 0;
            x[2 * i] = (float) (r.nextGaussian() + (y[i] == 1 ? 1.5 : -1.5));
            x[2 * i + 1] = (float) r.nextGaussian();
        }
        FloatMatrix fm = new FloatMatrix(n, 2, x);
        MlpClassifier.Options mlp = new MlpClassifier.Options(8, 8, 3, 32, 1e-2, 2, 0.1);
        List<double[]> asked = new ArrayList<>();
        List<Double> lambdas = List.of(0.01, 1.0);
        List<Double> betas = List.of(0.0, 0.1);
        AsssTuning.Tuning t = AsssTuning.tune(
                fm,
                y,
                2,
                0.3,
                lambdas,
                betas,
                0.2,
                0,
                (l, b) -> {
                    asked.add(new double[] {l, b});
                    return new Asss.Params(l, b, 1, 32, 1e-3, 1e-4, 1.0, 0.1, 1.0, 0.9, new int[] {8, 8}, 1, mlp);
                },
                mlp,
                1,
                11);
        assertEquals(60, t.validationRows(), "20% of 100 + 200 rows");
        assertEquals(240, t.innerRows());
        assertEquals(4, t.trials().size());
        assertEquals(4, asked.size());
        double[][] order = {{0.01, 0.0}, {0.01, 0.1}, {1.0, 0.0}, {1.0, 0.1}};
        double best = Double.NEGATIVE_INFINITY;
        int bestAt = -1;
        for (int k = 0; k < 4; k++) {
            AsssTuning.Trial g = t.trials().get(k);
            assertArrayEquals(order[k], new double[] {g.lambda(), g.beta()}, "grid order: lambda outer, beta inner");
            assertTrue(g.validationF1() > 0 && g.validationF1() <= 1, "F1 " + g.validationF1());
            if (g.validationF1() > best) {
                best = g.validationF1();
                bestAt = k;
            }
        }
        assertEquals(order[bestAt][0], t.lambda());
        assertEquals(order[bestAt][1], t.beta());
        AsssTuning.Tuning again = AsssTuning.tune(
                fm,
                y,
                2,
                0.3,
                lambdas,
                betas,
                0.2,
                0,
                (l, b) -> new Asss.Params(l, b, 1, 32, 1e-3, 1e-4, 1.0, 0.1, 1.0, 0.9, new int[] {8, 8}, 1, mlp),
                mlp,
                1,
                11);
        for (int k = 0; k < 4; k++) {
            assertEquals(
                    Double.doubleToRawLongBits(t.trials().get(k).validationF1()),
                    Double.doubleToRawLongBits(again.trials().get(k).validationF1()),
                    "same seed, same validation F1");
        }
        // on a stratified sample of 150 of the 300 rows: 150 = 50 + 100 rows, then 20% of each held out
        AsssTuning.Tuning sub = AsssTuning.tune(
                fm,
                y,
                2,
                0.3,
                lambdas,
                betas,
                0.2,
                150,
                (l, b) -> new Asss.Params(l, b, 1, 32, 1e-3, 1e-4, 1.0, 0.1, 1.0, 0.9, new int[] {8, 8}, 1, mlp),
                mlp,
                1,
                11);
        assertEquals(30, sub.validationRows());
        assertEquals(120, sub.innerRows());
    }
}
