package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KMeansTest {
    /** Three tight blobs of 20 points at (0,0), (10,0), (0,10). */
    static FloatMatrix blobs() {
        SplittableRandom rnd = new SplittableRandom(1);
        double[][] c = {{0, 0}, {10, 0}, {0, 10}};
        FloatMatrix x = new FloatMatrix(60, 2);
        for (int i = 0; i < 60; i++) {
            x.set(i, 0, (float) (c[i / 20][0] + 0.1 * rnd.nextGaussian()));
            x.set(i, 1, (float) (c[i / 20][1] + 0.1 * rnd.nextGaussian()));
        }
        return x;
    }

    @Test
    void findsObviousClusters() {
        KMeans.Result r = KMeans.fit(blobs(), KMeans.Options.of(3), new SplittableRandom(4));
        for (int b = 0; b < 3; b++) {
            for (int i = b * 20; i < b * 20 + 20; i++) {
                assertEquals(r.assignment()[b * 20], r.assignment()[i]);
            }
        }
        assertEquals(3, Arrays.stream(r.assignment()).distinct().count());
        int[] sizes = r.sizes().clone();
        Arrays.sort(sizes);
        assertArrayEquals(new int[] {20, 20, 20}, sizes);
        assertTrue(r.inertia() < 60 * 0.1, "inertia " + r.inertia());
    }

    @Test
    void centroidNearestSelectionWeightsByClusterSize() {
        WeightedSample w = CentroidNearestSelection.select(blobs(), KMeans.Options.of(3), new SplittableRandom(4));
        assertEquals(3, w.size());
        assertArrayEquals(new double[] {20, 20, 20}, w.weights());
        assertEquals(0, w.rows()[0] / 20);
        assertEquals(1, w.rows()[1] / 20);
        assertEquals(2, w.rows()[2] / 20);
    }

    @Test
    void duplicatesFewerDistinctPointsThanKLeaveEmptyClusters() {
        FloatMatrix x = new FloatMatrix(5, 2);
        for (int i = 0; i < 5; i++) {
            x.set(i, 0, i < 3 ? 0f : 1f);
        }
        KMeans.Result r = KMeans.fit(x, new KMeans.Options(4, 20, 1e-4, 2), new SplittableRandom(1));
        assertEquals(0.0, r.inertia(), 1e-12);
        assertEquals(5, Arrays.stream(r.sizes()).sum());
    }

    @Test
    void deterministicForSeed() {
        KMeans.Result a = KMeans.fit(blobs(), new KMeans.Options(5, 50, 1e-4, 2), new SplittableRandom(9));
        KMeans.Result b = KMeans.fit(blobs(), new KMeans.Options(5, 50, 1e-4, 2), new SplittableRandom(9));
        assertArrayEquals(a.assignment(), b.assignment());
        assertArrayEquals(a.centroids().data(), b.centroids().data());
    }

    @Test
    void optionValidation() {
        assertEquals(
                "k_means.k must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> KMeans.Options.of(0))
                        .getMessage());
        assertEquals(
                "k_means.max_iterations must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new KMeans.Options(2, 0, 1e-4, 1))
                        .getMessage());
        assertEquals(
                "k_means.tolerance must be finite and >= 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new KMeans.Options(2, 5, Double.NaN, 1))
                        .getMessage());
        assertEquals(
                "k_means.restarts must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new KMeans.Options(2, 5, 1e-4, 0))
                        .getMessage());
        assertEquals(
                "k_means.k must be <= the number of rows N = 60, got 61",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> KMeans.fit(blobs(), KMeans.Options.of(61), new SplittableRandom(1)))
                        .getMessage());
    }

    @Test
    void clusteringSensitivityUsesRepresentativeLossPlusDistance() {
        FloatMatrix x = blobs();
        double[] loss = new double[60];
        for (int i = 0; i < 60; i++) {
            loss[i] = i / 20 + 1; // 1, 2, 3 per blob
        }
        int[] calls = {0};
        ClusteringSensitivity.Result r = ClusteringSensitivity.score(
                x,
                rows -> {
                    calls[0] += rows.length;
                    return Arrays.stream(rows).mapToDouble(i -> loss[i]).toArray();
                },
                new ClusteringSensitivity.Options(KMeans.Options.of(3), 1.0, 0),
                new SplittableRandom(2));
        assertEquals(3, calls[0]);
        for (int i = 0; i < 60; i++) {
            assertEquals(loss[i], r.sensitivity()[i], 0.2);
            assertTrue(r.sensitivity()[i] >= loss[i]);
        }
    }
}
