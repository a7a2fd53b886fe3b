package ai.curator.eval.run;

import java.util.SplittableRandom;

/**
 * 95% confidence intervals for a data set's score: Wilson's score interval for an accuracy (every
 * example counts 1 of 1), a percentile bootstrap over examples for a ratio of sums (e.g. slot F1).
 */
public final class Confidence {
    /** z for a two-sided 95% interval. */
    static final double Z95 = 1.959963984540054;

    private Confidence() {}

    /** An interval [lo, hi] in [0, 1]. */
    public record Interval(double lo, double hi, String method) {}

    /**
     * Wilson's score interval for {@code k} successes in {@code n} trials (Wilson 1927): centre
     * (k + z²/2)/(n + z²), half-width z·√(k(n−k)/n + z²/4)/(n + z²).
     */
    public static Interval wilson(double k, double n) {
        if (n <= 0) {
            return new Interval(Double.NaN, Double.NaN, "wilson");
        }
        double z2 = Z95 * Z95;
        double centre = (k + z2 / 2) / (n + z2);
        double half = Z95 * Math.sqrt(k * (n - k) / n + z2 / 4) / (n + z2);
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half), "wilson");
    }

    /**
     * Percentile bootstrap of Σhits/Σtotal: {@code resamples} draws of the examples with
     * replacement, the 2.5% and 97.5% quantiles of the ratio (a draw with Σtotal = 0 is skipped).
     */
    public static Interval bootstrap(double[] hits, double[] totals, int resamples, long seed) {
        int n = hits.length;
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, "bootstrap");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        int m = 0;
        for (int b = 0; b < resamples; b++) {
            double h = 0;
            double t = 0;
            for (int i = 0; i < n; i++) {
                int j = rnd.nextInt(n);
                h += hits[j];
                t += totals[j];
            }
            if (t > 0) {
                stats[m++] = h / t;
            }
        }
        if (m == 0) {
            return new Interval(Double.NaN, Double.NaN, "bootstrap");
        }
        java.util.Arrays.sort(stats, 0, m);
        return new Interval(
                stats[(int) Math.floor(0.025 * (m - 1))], stats[(int) Math.ceil(0.975 * (m - 1))], "bootstrap");
    }
}
