package ai.curator.select.algo;

import ai.curator.linalg.Rand;
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
}
