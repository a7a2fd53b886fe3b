package ai.curator.eval.run;

import java.util.Locale;

/**
 * One metric over a data set.
 *
 * @param name the metric
 * @param description what it measures
 * @param hits Σ hits over the scored examples
 * @param total Σ total (for an accuracy: the number of examples it applies to)
 * @param examples how many examples reported it
 * @param ci the 95% confidence interval of {@link #value()}
 */
public record MetricSummary(
        String name, String description, double hits, double total, int examples, Confidence.Interval ci) {

    /** Σ hits / Σ total, or NaN when nothing counted. */
    public double value() {
        return total > 0 ? hits / total : Double.NaN;
    }

    /** {@code <task> <metric>: <hits>/<total> = <xx.x>% (95% CI lo–hi, method)}. */
    public String line(String task) {
        return String.format(
                Locale.ROOT,
                "%s %s: %s/%s = %s (95%% CI %s–%s, %s)",
                task,
                name,
                count(hits),
                count(total),
                pct(value()),
                pct(ci.lo()).replace("%", ""),
                pct(ci.hi()),
                ci.method());
    }

    static String count(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
