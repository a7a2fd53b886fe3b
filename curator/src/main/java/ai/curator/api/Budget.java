package ai.curator.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How many samples to select: an absolute count ({@code 1000}) or a fraction of the data set
 * ({@code 0.1} or {@code "10%"}).
 *
 * <p>In a recipe an integer is a count, a number with a fractional part in (0, 1) or a
 * percentage string is a ratio. {@code 1.0} and {@code "100%"} mean every row.
 */
public final class Budget {
    private final long count; // > 0 when absolute
    private final double ratio; // in (0, 1] when relative

    private Budget(long count, double ratio) {
        this.count = count;
        this.ratio = ratio;
    }

    /** An absolute budget of {@code count} samples, ≥ 1. */
    public static Budget ofCount(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("budget must be >= 1 sample (or a ratio in (0, 1]), got " + count);
        }
        return new Budget(count, 0);
    }

    /** A relative budget, {@code ratio} in (0, 1]. */
    public static Budget ofRatio(double ratio) {
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("budget ratio must be in (0, 1], got " + ratio);
        }
        return new Budget(0, ratio);
    }

    /** Reads a budget from its recipe form: integer count, fraction, or "N%" string. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Budget parse(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            return ofCount(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d > 1) {
                return ofCount((long) d);
            }
            return ofRatio(d);
        }
        if (value instanceof String s) {
            String t = s.trim();
            try {
                if (t.endsWith("%")) {
                    double pct =
                            Double.parseDouble(t.substring(0, t.length() - 1).trim());
                    if (!(pct > 0 && pct <= 100)) {
                        // echo the user's "150%", not the ratio 1.5 it would be
                        throw new IllegalArgumentException("budget percentage must be in (0%, 100%], got '" + s + "'");
                    }
                    return ofRatio(pct / 100.0);
                }
                return parse(t.contains(".") ? (Object) Double.parseDouble(t) : (Object) Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "budget must be a count (1000), a ratio (0.1) or a percentage (\"10%\"), got '" + s + "'");
            }
        }
        throw new IllegalArgumentException(
                "budget must be a count (1000), a ratio (0.1) or a percentage (\"10%\"), got " + value);
    }

    public boolean isRatio() {
        return count == 0;
    }

    /**
     * The number of samples for a data set of {@code n} rows: the count, or {@code round(ratio·n)}
     * but at least 1.
     *
     * @throws IllegalArgumentException if a count exceeds {@code n}
     */
    public int resolve(long n) {
        if (isRatio()) {
            return (int) Math.max(1, Math.min(n, Math.round(ratio * n)));
        }
        if (count > n) {
            throw new IllegalArgumentException("budget " + count + " is larger than the data set ("
                    + Plural.of(n, "row") + "); "
                    + "use a smaller count or a ratio such as 0.1");
        }
        return (int) count;
    }

    @JsonValue
    public Object toJson() {
        return isRatio() ? (Object) ratio : (Object) count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Budget b && b.count == count && b.ratio == ratio;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(ratio);
    }

    @Override
    public String toString() {
        return isRatio() ? ratio + " of the rows" : Plural.of(count, "row");
    }
}
