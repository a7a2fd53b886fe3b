package ai.curator.select.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.linalg.KeyedRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyedSamplingTest {
    static final double[] SIGMA = SensitivitySamplingTest.SIGMA;

    @Test
    void estimatorsAreUnbiased() {
        SensitivitySamplingTest.assertUnbiased(t -> KeyedSampling.withReplacement(SIGMA, 3, t));
        // blocks of 3 rows: the split among blocks and the draws inside them together stay unbiased
        SensitivitySamplingTest.assertUnbiased(t -> KeyedSampling.withReplacement(SIGMA, 3, t, 3));
        SensitivitySamplingTest.assertUnbiased(t -> KeyedSampling.uniformWithReplacement(SIGMA.length, 3, t));
        SensitivitySamplingTest.assertUnbiased(t -> KeyedSampling.uniformWithoutReplacement(SIGMA.length, 3, t));
    }

    /** Draw frequencies per row match σ/Σσ: chi-square over 8 rows in blocks of 3, 200,000 draws. */
    @Test
    void drawFrequenciesFollowSigma() {
        long[] hits = new long[SIGMA.length];
        int trials = 2000;
        int s = 100;
        for (int t = 0; t < trials; t++) {
            WeightedSample w = KeyedSampling.withReplacement(SIGMA, 8, 1000L + t, 3);
            for (int j = 0; j < w.size(); j++) {
                hits[w.rows()[j]] += w.counts()[j];
            }
            WeightedSample w2 = KeyedSampling.withReplacement(repeat(SIGMA, 13), s, 5000L + t, 16);
            for (int j = 0; j < w2.size(); j++) {
                hits[w2.rows()[j] % SIGMA.length] += w2.counts()[j];
            }
        }
        double total = Arrays.stream(SIGMA).sum();
        long draws = Arrays.stream(hits).sum();
        assertEquals((long) trials * (8 + s), draws);
        double chi2 = 0;
        for (int i = 0; i < SIGMA.length; i++) {
            double expected = draws * SIGMA[i] / total;
            chi2 += (hits[i] - expected) * (hits[i] - expected) / expected;
        }
        // 7 degrees of freedom: P(chi2 > 24.3) = 0.001
        assertTrue(chi2 < 24.3, "chi-square " + chi2 + " for " + Arrays.toString(hits));
    }

    @Test
    void blockCountsAreMultinomialAndAddUpToS() {
        double[] masses = {0, 3, 0, 0, 1, 6, 0};
        long[] sum = new long[masses.length];
        int trials = 3000;
        for (int t = 0; t < trials; t++) {
            long[] c = KeyedSampling.blockCounts(masses, 50, t);
            assertEquals(50, Arrays.stream(c).sum());
            for (int b = 0; b < c.length; b++) {
                sum[b] += c[b];
            }
        }
        for (int b : new int[] {0, 2, 3, 6}) {
            assertEquals(0, sum[b], "a block of zero mass got draws");
        }
        for (int b : new int[] {1, 4, 5}) {
            double expected = trials * 50 * masses[b] / 10;
            double sd = Math.sqrt(trials * 50 * masses[b] / 10 * (1 - masses[b] / 10));
            assertTrue(Math.abs(sum[b] - expected) < 4 * sd, "block " + b + ": " + sum[b] + " vs " + expected);
        }
    }

    /** What a cluster does: each block drawn alone, from its own rows only, in any order. */
    @Test
    void blocksDrawnApartInAnyOrderGiveTheSameSample() {
        double[] sigma = new double[10_000];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = i % 17 == 0 ? 0 : r.nextDouble() * 3;
        }
        int s = 2500;
        long key = 42;
        WeightedSample whole = KeyedSampling.withReplacement(sigma, s, key);

        int block = KeyedSampling.BLOCK;
        int blocks = (sigma.length + block - 1) / block;
        double[] masses = new double[blocks];
        for (int b = blocks - 1; b >= 0; b--) { // the "executors", backwards
            double[] mine = Arrays.copyOfRange(sigma, b * block, Math.min(sigma.length, (b + 1) * block));
            masses[b] = KeyedSampling.blockMass(mine, 0, mine.length);
        }
        long[] perBlock = KeyedSampling.blockCounts(masses, s, key); // the "driver"
        int[] counts = new int[sigma.length];
        for (int b = blocks - 1; b >= 0; b--) {
            double[] mine = Arrays.copyOfRange(sigma, b * block, Math.min(sigma.length, (b + 1) * block));
            int[] c = KeyedSampling.drawInBlock(mine, 0, mine.length, perBlock[b], key, b);
            System.arraycopy(c, 0, counts, b * block, c.length);
        }
        double total = KeyedSampling.total(masses);
        double[] p = new double[sigma.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = sigma[i] / total;
        }
        assertEquals(whole, SensitivitySampling.collect(counts, p, s));
        for (int row : whole.rows()) {
            assertTrue(sigma[row] > 0, "row " + row + " has zero score");
        }
    }

    @Test
    void sameKeySameSampleOtherKeyOther() {
        assertEquals(KeyedSampling.withReplacement(SIGMA, 5, 9), KeyedSampling.withReplacement(SIGMA, 5, 9));
        assertNotEquals(
                KeyedSampling.uniformWithoutReplacement(1000, 100, 9),
                KeyedSampling.uniformWithoutReplacement(1000, 100, 10));
        assertArrayEquals(
                KeyedSampling.weightedWithoutReplacement(SIGMA, 4, 3),
                KeyedSampling.weightedWithoutReplacement(SIGMA, 4, 3));
    }

    @Test
    void uniformWithoutReplacementKeepsTheSmallestKeys() {
        int n = 500;
        WeightedSample w = KeyedSampling.uniformWithoutReplacement(n, 40, 11);
        assertEquals(40, w.size());
        long cut = Arrays.stream(w.rows())
                .mapToLong(i -> KeyedSampling.uniformKey(11, i))
                .max()
                .orElseThrow();
        long below = 0;
        for (int i = 0; i < n; i++) {
            if (KeyedSampling.uniformKey(11, i) <= cut) {
                below++;
            }
        }
        assertEquals(40, below);
        assertTrue(Arrays.stream(w.weights()).allMatch(x -> x == n / 40.0));
    }

    @Test
    void inclusionFrequenciesWithoutReplacement() {
        int n = 20;
        long[] uni = new long[n];
        long[] first = new long[SIGMA.length];
        int trials = 20_000;
        for (int t = 0; t < trials; t++) {
            for (int row : KeyedSampling.uniformWithoutReplacement(n, 5, t).rows()) {
                uni[row]++;
            }
            first[KeyedSampling.weightedWithoutReplacement(SIGMA, 1, t)[0]]++;
        }
        for (int i = 0; i < n; i++) {
            double p = 5.0 / n;
            assertTrue(Math.abs(uni[i] - trials * p) < 4 * Math.sqrt(trials * p * (1 - p)), "row " + i + ": " + uni[i]);
        }
        double total = Arrays.stream(SIGMA).sum();
        for (int i = 0; i < SIGMA.length; i++) {
            double p = SIGMA[i] / total;
            assertTrue(
                    Math.abs(first[i] - trials * p) < 4 * Math.sqrt(trials * p * (1 - p)),
                    "row " + i + " taken first " + first[i] + " times, expected " + trials * p);
        }
    }

    @Test
    void zeroWeightsComeLastWithoutReplacement() {
        double[] w = {0, 2, 0, 1, 0};
        assertArrayEquals(new int[] {1, 3}, KeyedSampling.weightedWithoutReplacement(w, 2, 5));
        int[] all = KeyedSampling.weightedWithoutReplacement(w, 5, 5);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, all);
        assertEquals(3, KeyedSampling.weightedWithoutReplacement(w, 3, 5).length);
    }

    @Test
    void withinClassesKeepsQuotasAndClassWeights() {
        int[] y = {0, 1, 0, 1, 1, 0, 1, 1, 0, 1};
        WeightedSample w = KeyedSampling.withinClasses(y, 2, new int[] {2, 3}, 8);
        assertEquals(5, w.size());
        double perClass0 = 0;
        double perClass1 = 0;
        for (int j = 0; j < w.size(); j++) {
            if (y[w.rows()[j]] == 0) {
                perClass0 += w.weights()[j];
            } else {
                perClass1 += w.weights()[j];
            }
        }
        assertEquals(4.0, perClass0, 1e-12);
        assertEquals(6.0, perClass1, 1e-12);
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> KeyedSampling.withReplacement(new double[] {1, Double.NaN}, 1, 1));
        assertTrue(e.getMessage().contains("score[1] = NaN"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> KeyedSampling.withReplacement(new double[] {0, 0}, 1, 1));
        assertTrue(e.getMessage().contains("positive finite sum"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyedSampling.withReplacement(SIGMA, 9, 1));
        assertThrows(IllegalArgumentException.class, () -> KeyedSampling.uniformWithoutReplacement(3, 4, 1));
    }

    @Test
    void keyedUniformsAreUniform() {
        int bins = 16;
        long[] h = new long[bins];
        int n = 160_000;
        for (int i = 0; i < n; i++) {
            h[(int) (KeyedRandom.uniform(77, i) * bins)]++;
        }
        double chi2 = 0;
        for (long c : h) {
            chi2 += (c - n / (double) bins) * (c - n / (double) bins) / (n / (double) bins);
        }
        assertTrue(chi2 < 37.7, "chi-square " + chi2); // 15 degrees of freedom, P = 0.001
    }

    private static double[] repeat(double[] x, int times) {
        double[] out = new double[x.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(x, 0, out, t * x.length, x.length);
        }
        return out;
    }
}
