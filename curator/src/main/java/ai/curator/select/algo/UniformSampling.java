package ai.curator.select.algo;

import java.util.SplittableRandom;

/**
 * The uniform baseline (paper 003 §4.1): s draws with replacement, weight {@code N/s} per copy
 * (distinct-id weight {@code count·N/s}, as in {@link SensitivitySampling}); or s distinct rows
 * without replacement, weight {@code N/s} each. Both make {@code Σ w·ℓ} unbiased for {@code Σ ℓ}.
 * The draws are {@link KeyedSampling}'s, keyed by one draw of the stream given, so the subset does not
 * depend on how the rows are partitioned.
 */
public final class UniformSampling {
    private UniformSampling() {}

    /** s draws with replacement, {@code 1 ≤ s ≤ n}. */
    public static WeightedSample withReplacement(int n, int s, SplittableRandom rnd) {
        SensitivitySampling.checkBudget(s, n, "uniform");
        return KeyedSampling.uniformWithReplacement(n, s, rnd.nextLong());
    }

    /** s distinct rows, {@code 1 ≤ s ≤ n}, weight {@code n/s} each. */
    public static WeightedSample withoutReplacement(int n, int s, SplittableRandom rnd) {
        return KeyedSampling.uniformWithoutReplacement(n, s, rnd.nextLong());
    }

    /**
     * Stratified: class c keeps {@code quota[c]} of its rows (at most its size), drawn uniformly
     * without replacement, each weighing {@code N_c / quota[c]}, so the weights of a class add up to
     * its size N_c and {@code Σ w·ℓ} stays unbiased for {@code Σ ℓ} whatever the quotas (a flat class
     * mix included).
     *
     * @param y class of every row, in [0, classes)
     * @param quota rows per class (e.g. from {@link ClassQuotas})
     * @throws IllegalArgumentException when a quota is negative or above its class's size
     */
    public static WeightedSample withinClasses(int[] y, int classes, int[] quota, SplittableRandom rnd) {
        return KeyedSampling.withinClasses(y, classes, quota, rnd.nextLong());
    }
}
