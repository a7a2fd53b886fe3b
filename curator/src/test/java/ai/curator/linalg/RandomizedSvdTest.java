package ai.curator.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomizedSvdTest {
    /** A = sum of three outer products with singular values 10, 5, 2 (exact rank 3). */
    static FloatMatrix rankThree(int n, int d, SplittableRandom rnd) {
        double[] u = Dense.orthonormalColumns(gauss(n * 3, rnd), n, 3);
        double[] v = Dense.orthonormalColumns(gauss(d * 3, rnd), d, 3);
        double[] s = {10, 5, 2};
        FloatMatrix a = new FloatMatrix(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double t = 0;
                for (int c = 0; c < 3; c++) {
                    t += u[i * 3 + c] * s[c] * v[j * 3 + c];
                }
                a.set(i, j, (float) t);
            }
        }
        return a;
    }

    static double[] gauss(int n, SplittableRandom rnd) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = Rand.gaussian(rnd);
        }
        return g;
    }

    @Test
    void reconstructsKnownLowRankMatrix() {
        FloatMatrix a = rankThree(200, 30, new SplittableRandom(7));
        RandomizedSvd.Result r = RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(3), new SplittableRandom(1));
        assertArrayEquals(new double[] {10, 5, 2}, r.singularValues(), 1e-4);
        double maxErr = 0;
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 30; j++) {
                double t = 0;
                for (int c = 0; c < 3; c++) {
                    t += r.u().get(i, c) * r.singularValues()[c] * r.v().get(j, c);
                }
                maxErr = Math.max(maxErr, Math.abs(t - a.get(i, j)));
            }
        }
        assertEquals(0, maxErr, 1e-5);
    }

    @Test
    void matchesExactSingularValuesOnNoisyData() {
        SplittableRandom rnd = new SplittableRandom(3);
        FloatMatrix a = rankThree(300, 40, rnd);
        FloatMatrix noise = FloatMatrix.gaussian(300, 40, rnd);
        for (int i = 0; i < a.data().length; i++) {
            a.data()[i] += 0.01f * noise.data()[i];
        }
        double[] exact = RandomizedSvd.exact(a, 5).singularValues();
        double[] approx = RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(5), new SplittableRandom(9))
                .singularValues();
        for (int c = 0; c < 5; c++) {
            assertEquals(exact[c], approx[c], 1e-3 * exact[0], "sigma_" + c);
        }
    }

    @Test
    void leverageScoresSumToRankEvenForRankDeficientData() {
        FloatMatrix a = rankThree(120, 20, new SplittableRandom(5));
        RandomizedSvd.Result r = RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(6), new SplittableRandom(2));
        assertEquals(6.0, Arrays.stream(r.leverageScores()).sum(), 1e-4);
        assertEquals(0.0, r.singularValues()[5], 1e-4);
        // U orthonormal
        double[] g = r.u().gram();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(i == j ? 1.0 : 0.0, g[i * 6 + j], 1e-4);
            }
        }
    }

    @Test
    void sameSeedSameOutput() {
        FloatMatrix a = FloatMatrix.gaussian(100, 12, new SplittableRandom(1));
        RandomizedSvd.Result r1 = RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(4), new SplittableRandom(42));
        RandomizedSvd.Result r2 = RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(4), new SplittableRandom(42));
        assertArrayEquals(r1.u().data(), r2.u().data());
        assertArrayEquals(r1.singularValues(), r2.singularValues());
    }

    @Test
    void constantRowsGiveRankOneSpectrum() {
        FloatMatrix a = new FloatMatrix(50, 8);
        Arrays.fill(a.data(), 2f);
        RandomizedSvd.Result r = RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(2), new SplittableRandom(1));
        assertEquals(Math.sqrt(50 * 8 * 4.0), r.singularValues()[0], 1e-3);
        assertEquals(0.0, r.singularValues()[1], 1e-3);
    }

    @Test
    void rejectsBadRankAndData() {
        FloatMatrix a = FloatMatrix.gaussian(10, 4, new SplittableRandom(1));
        assertEquals(
                "randomized_svd.rank must be < the data dimension d = 4, got 4",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> RandomizedSvd.compute(
                                        a, RandomizedSvd.Options.ofRank(4), new SplittableRandom(1)))
                        .getMessage());
        FloatMatrix tall = FloatMatrix.gaussian(3, 8, new SplittableRandom(1));
        assertEquals(
                "randomized_svd.rank must be < the number of rows N = 3, got 3",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> RandomizedSvd.compute(
                                        tall, RandomizedSvd.Options.ofRank(3), new SplittableRandom(1)))
                        .getMessage());
        assertEquals(
                "randomized_svd.rank must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.Options.ofRank(0))
                        .getMessage());
        assertEquals(
                "randomized_svd.oversampling must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> new RandomizedSvd.Options(2, -1, 2))
                        .getMessage());
        a.set(3, 2, Float.POSITIVE_INFINITY);
        assertThrows(
                IllegalArgumentException.class,
                () -> RandomizedSvd.compute(a, RandomizedSvd.Options.ofRank(2), new SplittableRandom(1)));
    }
}
