package ai.curator.select.algo;

import java.util.Arrays;

/**
 * A weighted multiset of row ids: each distinct id once, ascending, with how many of the {@code
 * draws} picked it and its weight. Estimates of a sum over all rows are {@code Σ_j weights[j] ·
 * f(rows[j])}.
 *
 * @param rows distinct row ids, ascending
 * @param counts number of draws that picked each id (1 for without-replacement schemes)
 * @param weights weight of each distinct id (already multiplied by its count)
 * @param draws total number of draws s
 */
public record WeightedSample(int[] rows, int[] counts, double[] weights, int draws) {
    public WeightedSample {
        if (rows.length != counts.length || rows.length != weights.length) {
            throw new IllegalArgumentException("rows, counts and weights must have equal length, got " + rows.length
                    + ", " + counts.length + ", " + weights.length);
        }
    }

    /** Number of distinct ids. */
    public int size() {
        return rows.length;
    }

    /** {@code Σ_j weights[j] · values[rows[j]]}: the estimate of {@code Σ_i values[i]}. */
    public double estimateSum(double[] values) {
        double s = 0;
        for (int j = 0; j < rows.length; j++) {
            s += weights[j] * values[rows[j]];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedSample w
                && draws == w.draws
                && Arrays.equals(rows, w.rows)
                && Arrays.equals(counts, w.counts)
                && Arrays.equals(weights, w.weights);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(rows) + Arrays.hashCode(counts)) + Arrays.hashCode(weights) + draws;
    }

    @Override
    public String toString() {
        return "WeightedSample[distinct=" + rows.length + ", draws=" + draws + "]";
    }
}
