package ai.curator.select.algo;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Rand;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Nearest-neighbour thinning (paper 000 §4 baseline): visit the rows in a fixed order and keep a
 * row unless it lies strictly within distance ρ of an already kept row. ρ is found by bisection so
 * the kept set meets the budget: the final set is the thinning at the smallest bracketed ρ whose
 * count is ≤ budget, topped up (in visiting order) with rows kept at the largest bracketed ρ whose
 * count is &gt; budget, so exactly {@code budget} rows are returned. The kept count is not
 * guaranteed monotone in ρ for greedy thinning; bisection treats it as if it were, and the top-up
 * makes the result exact regardless.
 *
 * <p>Cost: one thinning is O(N · kept · d) (no spatial index), times the bisection steps; meant
 * for N up to ~1e4–1e5 with modest budgets.
 */
public final class RadiusThinning {
    private RadiusThinning() {}

    /**
     * Options.
     *
     * @param budget rows to keep, in {@code [1, N]}
     * @param shuffle visit rows in a random order from the seed (true, default) or in row order
     * @param maxBisections bisection steps on ρ, {@code >= 1}; default 40
     */
    public record Options(int budget, boolean shuffle, int maxBisections) {
        public Options {
            if (budget < 1) {
                throw new IllegalArgumentException("radius_thinning.budget must be >= 1, got " + budget);
            }
            if (maxBisections < 1) {
                throw new IllegalArgumentException("radius_thinning.max_bisections must be >= 1, got " + maxBisections);
            }
        }
    }

    /**
     * Result.
     *
     * @param rows kept row ids, ascending (exactly {@code budget})
     * @param radius the ρ of the base (≤ budget) thinning
     */
    public record Result(int[] rows, double radius) {}

    /** Thins {@code x} to exactly {@code options.budget()} rows. */
    public static Result select(FloatMatrix x, Options options, SplittableRandom rnd) {
        int n = x.rows();
        SensitivitySampling.checkBudget(options.budget(), n, "radius_thinning");
        x.requireFinite("radius_thinning input");
        int[] order = options.shuffle() ? Rand.permutation(n, rnd) : identity(n);
        int budget = options.budget();
        if (budget == n) {
            return new Result(identity(n), 0.0);
        }
        // ρ = 0 keeps everything (strict inequality); ρ above the diameter keeps one row
        double hi = 0;
        int d = x.cols();
        for (int i = 0; i < n; i++) {
            hi = Math.max(hi, Kernels.squaredDistance(x.data(), i * d, x.data(), order[0] * d, d));
        }
        hi = 2 * Math.sqrt(hi) + 1e-12;
        double lo = 0;
        int[] hiSet = thin(x, order, hi);
        int[] loSet = order.clone();
        for (int it = 0; it < options.maxBisections() && hiSet.length != budget; it++) {
            double mid = 0.5 * (lo + hi);
            int[] kept = thin(x, order, mid);
            if (kept.length <= budget) {
                hi = mid;
                hiSet = kept;
            } else {
                lo = mid;
                loSet = kept;
            }
        }
        int[] out = Arrays.copyOf(hiSet, budget);
        int filled = hiSet.length;
        boolean[] in = new boolean[n];
        for (int r : hiSet) {
            in[r] = true;
        }
        for (int r : loSet) {
            if (filled == budget) {
                break;
            }
            if (!in[r]) {
                in[r] = true;
                out[filled++] = r;
            }
        }
        Arrays.sort(out);
        return new Result(out, hi);
    }

    /** Rows kept by one thinning pass at radius {@code rho}, in visiting order. */
    public static int[] thin(FloatMatrix x, int[] order, double rho) {
        int d = x.cols();
        float[] xd = x.data();
        double r2 = rho * rho;
        int[] kept = new int[order.length];
        int m = 0;
        for (int row : order) {
            int ro = row * d;
            boolean keep = true;
            for (int j = 0; j < m; j++) {
                if (Kernels.squaredDistance(xd, ro, xd, kept[j] * d, d) < r2) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                kept[m++] = row;
            }
        }
        return Arrays.copyOf(kept, m);
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
