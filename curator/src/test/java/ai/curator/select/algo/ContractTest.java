package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.LossOracle;
import ai.curator.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What every selector must satisfy: same seed → same output; output ⊆ input, distinct, within
 * budget; input not mutated.
 */
class ContractTest {
    static final int N = 80;
    static final int BUDGET = 12;

    static FloatMatrix data() {
        return FloatMatrix.gaussian(N, 6, new SplittableRandom(123));
    }

    static void check(String name, Function<SplittableRandom, int[]> selector, FloatMatrix x) {
        float[] before = x.data().clone();
        int[] a = selector.apply(new SplittableRandom(77));
        int[] b = selector.apply(new SplittableRandom(77));
        assertArrayEquals(a, b, name + ": same seed must give the same rows");
        assertArrayEquals(before, x.data(), name + ": input was mutated");
        assertTrue(a.length >= 1 && a.length <= BUDGET, name + ": size " + a.length);
        assertEquals(a.length, Arrays.stream(a).distinct().count(), name + ": duplicate rows");
        for (int r : a) {
            assertTrue(r >= 0 && r < N, name + ": row " + r);
        }
    }

    @Test
    void everySelectorHonoursTheContract() {
        FloatMatrix x = data();
        double[] loss = x.rowSquaredNorms();
        LossOracle oracle =
                rows -> Arrays.stream(rows).mapToDouble(i -> loss[i]).toArray();
        check("k_center_greedy", r -> KCenterGreedy.select(x, new KCenterGreedy.Options(BUDGET, -1), r), x);
        check(
                "radius_thinning",
                r -> RadiusThinning.select(x, new RadiusThinning.Options(BUDGET, true, 30), r)
                        .rows(),
                x);
        check(
                "k_means_selection",
                r -> CentroidNearestSelection.select(x, new KMeans.Options(BUDGET, 50, 1e-4, 2), r)
                        .rows(),
                x);
        check("uniform", r -> UniformSampling.withReplacement(N, BUDGET, r).rows(), x);
        check(
                "uniform_without_replacement",
                r -> UniformSampling.withoutReplacement(N, BUDGET, r).rows(),
                x);
        check(
                "low_rank_sensitivity basis",
                r -> SensitivitySampling.sample(
                                LowRankSensitivity.score(
                                                x, null, new double[] {1, 1, 1}, LowRankSensitivity.Options.basis(3), r)
                                        .sensitivity(),
                                BUDGET,
                                r)
                        .rows(),
                x);
        check(
                "low_rank_sensitivity landmarks",
                r -> SensitivitySampling.sample(
                                LowRankSensitivity.score(
                                                x, oracle, null, LowRankSensitivity.Options.landmarks(3, 1.0), r)
                                        .sensitivity(),
                                BUDGET,
                                r)
                        .rows(),
                x);
        check(
                "clustering_sensitivity",
                r -> SensitivitySampling.sample(
                                ClusteringSensitivity.score(
                                                x,
                                                oracle,
                                                new ClusteringSensitivity.Options(
                                                        new KMeans.Options(5, 50, 1e-4, 2), 1.0, 1e-6),
                                                r)
                                        .sensitivity(),
                                BUDGET,
                                r)
                        .rows(),
                x);
    }

    @Test
    void constantRowsAreHandled() {
        FloatMatrix x = new FloatMatrix(30, 4);
        Arrays.fill(x.data(), 1.5f);
        LowRankSensitivity.Result r = LowRankSensitivity.score(
                x, null, new double[] {1, 1}, LowRankSensitivity.Options.basis(2), new SplittableRandom(1));
        for (int i = 0; i < 30; i++) {
            // α₁² = ‖x‖² = 9, residual 0: σ = 6·9 + 5·2·1 + 1e-6
            assertEquals(64.000001, r.sensitivity()[i], 1e-3);
        }
        assertEquals(
                1,
                KMeans.fit(x, new KMeans.Options(3, 10, 1e-4, 1), new SplittableRandom(1))
                                .sizes()[0]
                        / 30);
        assertEquals(
                5,
                RadiusThinning.select(x, new RadiusThinning.Options(5, true, 20), new SplittableRandom(1))
                        .rows()
                        .length);
    }
}
