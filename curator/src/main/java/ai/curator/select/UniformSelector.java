package ai.curator.select;

import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.BasicStageProvider;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Uniform random sampling: the baseline every other selector must beat.
 *
 * <p>Without replacement ({@code replace: false}, the default) it draws {@code s} distinct rows
 * by a partial Fisher–Yates shuffle; with replacement, {@code s} independent draws, keeping each
 * distinct row once with its count. Either way each copy weighs {@code N/s}, so {@code Σ
 * count·weight·ℓ} is an unbiased estimate of {@code Σ ℓ} over all {@code N} rows.
 */
public final class UniformSelector implements Stage {

  /**
   * Options of {@code select: uniform}.
   *
   * @param budget samples to draw: a count (≥ 1, ≤ N) or a ratio in (0, 1]; required
   * @param replace draw with replacement; default false
   */
  public record Options(Budget budget, Boolean replace) {
    public Options {
      if (budget == null) {
        throw new IllegalArgumentException(
            "uniform.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
      }
      replace = replace != null && replace;
    }
  }

  /** Registers {@code select: uniform}. */
  public static final class Provider extends BasicStageProvider<Options> {
    public Provider() {
      super("select", "uniform",
          "uniform random sample at a budget, with or without replacement (weight N/s)",
          Options.class, UniformSelector::new);
    }
  }

  private final Options options;

  public UniformSelector(Options options) {
    this.options = options;
  }

  @Override
  public void plan(Plan plan) {
    Selectors.plan(plan, options.budget(), false);
  }

  @Override
  public void run(StageContext context) {
    int n = context.table().rows();
    int s = options.budget().resolve(n);
    context.setSelection(select(n, s, options.replace(), context.random()));
  }

  /** Draws {@code s} of {@code n} rows uniformly. */
  public static Selection select(int n, int s, boolean replace, SplittableRandom random) {
    if (s < 1 || (!replace && s > n)) {
      throw new IllegalArgumentException("cannot draw " + s + " of " + n + " rows");
    }
    double weight = (double) n / s;
    if (replace) {
      int[] counts = new int[n];
      for (int i = 0; i < s; i++) {
        counts[random.nextInt(n)]++;
      }
      return Selectors.fromCounts(counts, i -> weight, "uniform");
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < s; i++) {
      int j = i + random.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] rows = Arrays.copyOf(perm, s);
    Arrays.sort(rows);
    int[] counts = new int[s];
    double[] weights = new double[s];
    Arrays.fill(counts, 1);
    Arrays.fill(weights, weight);
    return new Selection(rows, counts, weights, "uniform");
  }
}
