package ai.curator.select.algo;

import ai.curator.linalg.Rand;
import ai.curator.tabular.Labels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The uniform baseline (paper 003 §4.1): s draws with replacement, weight {@code N/s} per copy
 * (distinct-id weight {@code count·N/s}, as in {@link SensitivitySampling}); or s distinct rows
 * without replacement, weight {@code N/s} each. Both make {@code Σ w·ℓ} unbiased for {@code Σ ℓ}.
 */
public final class UniformSampling {
    private UniformSampling() {}

    /** s draws with replacement, {@code 1 ≤ s ≤ n}. */
    public static WeightedSample withReplacement(int n, int s, SplittableRandom rnd) {
        SensitivitySampling.checkBudget(s, n, "uniform");
        int[] counts = new int[n];
        for (int t = 0; t < s; t++) {
            counts[rnd.nextInt(n)]++;
        }
        double[] p = new double[n];
        Arrays.fill(p, 1.0 / n);
        return SensitivitySampling.collect(counts, p, s);
    }

    /** s distinct rows (partial Fisher–Yates), {@code 1 ≤ s ≤ n}, weight {@code n/s} each. */
    public static WeightedSample withoutReplacement(int n, int s, SplittableRandom rnd) {
        SensitivitySampling.checkBudget(s, n, "uniform");
        int[] rows = Arrays.copyOf(Rand.permutation(n, rnd), s);
        Arrays.sort(rows);
        int[] counts = new int[s];
        Arrays.fill(counts, 1);
        double[] w = new double[s];
        Arrays.fill(w, (double) n / s);
        return new WeightedSample(rows, counts, w, s);
    }

    /**
     * Stratified: class c keeps {@code quota[c]} of its rows (at most its size), drawn uniformly
     * without replacement, each weighing {@code N_c / quota[c]}, so the weights of a class add up to
     * its size N_c and {@code Σ w·ℓ} stays unbiased for {@code Σ ℓ} whatever the quotas (a flat class
     * mix included). Classes are drawn in index order, each from the same stream.
     *
     * @param y class of every row, in [0, classes)
     * @param quota rows per class (e.g. from {@link ClassQuotas})
     * @throws IllegalArgumentException when a quota is negative or above its class's size
     */
    public static WeightedSample withinClasses(int[] y, int classes, int[] quota, SplittableRandom rnd) {
        int[][] members = Labels.byClass(y, classes);
        int s = 0;
        for (int c = 0; c < classes; c++) {
            if (quota[c] < 0 || quota[c] > members[c].length) {
                throw new IllegalArgumentException(
                        "class " + c + " has " + members[c].length + " rows; cannot keep " + quota[c]);
            }
            s += quota[c];
        }
        int[] rows = new int[s];
        double[] weightOf = new double[y.length];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            if (quota[c] == 0) {
                continue;
            }
            int size = members[c].length;
            int[] perm = Rand.permutation(size, rnd);
            for (int j = 0; j < quota[c]; j++) {
                int r = members[c][perm[j]];
                rows[k++] = r;
                weightOf[r] = (double) size / quota[c];
            }
        }
        Arrays.sort(rows);
        int[] counts = new int[s];
        Arrays.fill(counts, 1);
        double[] w = new double[s];
        for (int j = 0; j < s; j++) {
            w[j] = weightOf[rows[j]];
        }
        return new WeightedSample(rows, counts, w, s);
    }
}
