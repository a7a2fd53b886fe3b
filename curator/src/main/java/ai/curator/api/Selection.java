package ai.curator.api;

import java.util.Arrays;

/**
 * A weighted subset of a table's rows: each selected row once, in increasing row order, with its
 * multiplicity and its weight.
 *
 * <p>{@code weight} is the weight of <em>one copy</em> of the row and {@code count} how many
 * times it was drawn (1 without replacement). The subset's estimate of a total over all rows is
 * {@code Σ count·weight·value}: for sensitivity sampling with replacement the weight is {@code
 * 1/(s·p)}, for uniform sampling {@code N/s}. Trainers that take a per-example weight should use
 * {@code count·weight} or repeat the row {@code count} times.
 *
 * @param rows selected row indices, strictly increasing, each in {@code [0, N)}
 * @param counts multiplicity of each selected row, each ≥ 1
 * @param weights weight of one copy of each selected row, each finite and > 0
 * @param method the selection method's name, written into the output's {@code method} column
 */
public record Selection(int[] rows, int[] counts, double[] weights, String method) {
    public Selection {
        if (rows.length != counts.length || rows.length != weights.length) {
            throw new IllegalArgumentException("rows, counts and weights differ in length: " + rows.length + ", "
                    + counts.length + ", " + weights.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || (i > 0 && rows[i] <= rows[i - 1])) {
                throw new IllegalArgumentException("Selection rows must be strictly increasing and >= 0");
            }
            if (counts[i] < 1) {
                throw new IllegalArgumentException("Selection count must be >= 1, got " + counts[i]);
            }
            if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("Selection weight must be finite and > 0, got " + weights[i]);
            }
        }
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("Selection method must be named");
        }
    }

    /** Every row of an {@code n}-row table once with weight 1 (no selection: the "full" method). */
    public static Selection all(int n) {
        int[] rows = new int[n];
        int[] counts = new int[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            counts[i] = 1;
            weights[i] = 1.0;
        }
        return new Selection(rows, counts, weights, "full");
    }

    /** Number of distinct selected rows. */
    public int size() {
        return rows.length;
    }

    /** Number of draws: the sum of counts. */
    public long draws() {
        long s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selection s
                && Arrays.equals(rows, s.rows)
                && Arrays.equals(counts, s.counts)
                && Arrays.equals(weights, s.weights)
                && method.equals(s.method);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(rows) + Arrays.hashCode(counts)) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "Selection[" + method + ", " + rows.length + " rows, " + draws() + " draws]";
    }
}
