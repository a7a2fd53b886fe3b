package ai.curator.select.algo;

import java.util.SplittableRandom;

/**
 * Importance sampling with replacement proportional to sensitivity scores: paper 003, Algorithm 1
 * lines 5–9 (and the Axiotis et al. 2024 clustering-sensitivity baseline): {@code p(x) = σ(x) /
 * Σσ}, s independent draws, weight {@code 1/(s·p(x))} per draw.
 *
 * <p><b>Weight convention.</b> The output lists each distinct id once with its draw count c and
 * weight {@code w = c / (s·p)} — the per-copy weight {@code 1/(s·p)} summed over its copies. Then
 * {@code Σ_j w_j ℓ(row_j) = Σ_draws ℓ(x)/(s·p(x))}, whose expectation is exactly {@code Σ_i ℓ(i)}
 * (unbiased for any σ with σ(i) &gt; 0 wherever ℓ(i) ≠ 0).
 */
public final class SensitivitySampling {
    private SensitivitySampling() {}

    /**
     * Normalised probabilities {@code σ / Σσ}.
     *
     * @throws IllegalArgumentException for a NaN, infinite or negative score, or Σσ = 0
     */
    public static double[] probabilities(double[] sensitivity) {
        double total = 0;
        for (int i = 0; i < sensitivity.length; i++) {
            double v = sensitivity[i];
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException(
                        "sensitivity scores must be finite and >= 0: score[" + i + "] = " + v);
            }
            total += v;
        }
        if (!(total > 0) || Double.isInfinite(total)) {
            throw new IllegalArgumentException("sensitivity scores must have a positive finite sum, got " + total
                    + " (all-zero scores: set a smoothing constant > 0)");
        }
        double[] p = new double[sensitivity.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = sensitivity[i] / total;
        }
        return p;
    }

    /**
     * Draws {@code s} rows with replacement with probability ∝ {@code sensitivity}: {@link
     * KeyedSampling#withReplacement} keyed by one draw of {@code rnd}, so the subset does not depend on
     * how the rows are partitioned.
     *
     * @param sensitivity σ ≥ 0 per row, finite, positive sum
     * @param s number of draws, in {@code [1, N]}
     * @param rnd source of the key
     * @return distinct ids (ascending) with counts and weights {@code count/(s·p)}
     */
    public static WeightedSample sample(double[] sensitivity, int s, SplittableRandom rnd) {
        return KeyedSampling.withReplacement(sensitivity, s, rnd.nextLong());
    }

    static WeightedSample collect(int[] counts, double[] p, int s) {
        int distinct = 0;
        for (int c : counts) {
            if (c > 0) {
                distinct++;
            }
        }
        int[] rows = new int[distinct];
        int[] cnt = new int[distinct];
        double[] w = new double[distinct];
        int j = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                rows[j] = i;
                cnt[j] = counts[i];
                w[j] = counts[i] / (s * p[i]);
                j++;
            }
        }
        return new WeightedSample(rows, cnt, w, s);
    }

    static void checkBudget(int s, int n, String who) {
        if (s < 1) {
            throw new IllegalArgumentException(who + ".budget must be >= 1, got " + s);
        }
        if (s > n) {
            throw new IllegalArgumentException(who + ".budget must be <= the number of rows N = " + n + ", got " + s);
        }
    }
}
