package ai.curator.select.algo;

import ai.curator.tabular.Labels;
import java.util.Arrays;

/**
 * How a budget of {@code m} rows is split over the classes of a label: in proportion to the class
 * sizes ({@link #proportional}, the data's class mix), equally ({@link #equal}, a flat class mix,
 * small classes kept whole), or in proportion to any class masses ({@link #capped}). Every rule
 * keeps one row per present class when m allows (the stratified floor) and sums to m exactly.
 * Used by {@code select: uniform} with {@code class_quota}, the learned selectors and the tabular
 * benchmark's controls.
 */
public final class ClassQuotas {
    private ClassQuotas() {}

    /**
     * Rows per class: proportional to class sizes (largest remainder), at least one per present class
     * when m allows. Also the quotas of the benchmark's {@code uniform_stratified} control.
     */
    public static int[] proportional(int[] y, int classes, int m) {
        return proportional(Labels.counts(y, classes), m);
    }

    /** {@link #proportional(int[], int, int)} from the class sizes alone. */
    public static int[] proportional(int[] size, int m) {
        long n = 0;
        for (int v : size) {
            n += v;
        }
        int classes = size.length;
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("class quotas need 1 <= m <= N = " + n + ", got " + m);
        }
        int[] quota = floorRows(size, m);
        int rest = m - Arrays.stream(quota).sum();
        int[] left = new int[classes];
        for (int c = 0; c < classes; c++) {
            left[c] = size[c] - quota[c];
        }
        int[] extra = allocate(left, rest);
        for (int c = 0; c < classes; c++) {
            quota[c] += extra[c];
        }
        return quota;
    }

    /**
     * Equal (class-balanced) quotas: every present class gets the same share of
     * the budget, capped at its size, the rest shared equally among the classes that have rows left
     * (water-filling), so a class smaller than M/C is kept whole.
     */
    public static int[] equal(int[] y, int classes, int m) {
        return equal(Labels.counts(y, classes), m);
    }

    /** {@link #equal(int[], int, int)} from the class sizes alone. */
    public static int[] equal(int[] size, int m) {
        int classes = size.length;
        double[] mass = new double[classes];
        for (int c = 0; c < classes; c++) {
            mass[c] = size[c] > 0 ? 1 : 0;
        }
        return capped(mass, size, m);
    }

    /**
     * Allocates {@code m} rows over groups in proportion to {@code mass}, no group above its {@code
     * size}: one row to every present group first when m ≥ groups present (the stratified floor), then
     * the rest by water-filling — groups whose proportional share would exceed their room are filled,
     * the others share what is left in proportion to their mass — and largest remainder for the
     * integer part (ties: lower index). A present group of zero mass gets its floor row only; if
     * no group with room has mass the rest goes by room (size left). Σ result = m.
     *
     * @throws IllegalArgumentException when m is outside [1, Σ size] or a mass is negative or not finite
     */
    public static int[] capped(double[] mass, int[] size, int m) {
        int groups = size.length;
        long n = 0;
        for (int c = 0; c < groups; c++) {
            n += size[c];
            if (!(mass[c] >= 0) || Double.isInfinite(mass[c])) {
                throw new IllegalArgumentException(
                        "class masses must be finite and >= 0, got " + mass[c] + " for class " + c);
            }
        }
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("quotas need 1 <= m <= N = " + n + ", got " + m);
        }
        int[] q = floorRows(size, m);
        int rest = m - Arrays.stream(q).sum();
        double[] room = new double[groups];
        double[] w = new double[groups];
        double massLeft = 0;
        for (int c = 0; c < groups; c++) {
            room[c] = size[c] - q[c];
            w[c] = room[c] > 0 ? mass[c] : 0;
            massLeft += w[c];
        }
        if (massLeft == 0) {
            for (int c = 0; c < groups; c++) {
                w[c] = room[c];
            }
        }
        double[] share = new double[groups];
        boolean[] full = new boolean[groups];
        double toGive = rest;
        while (toGive > 1e-9) {
            double total = 0;
            for (int c = 0; c < groups; c++) {
                total += full[c] ? 0 : w[c];
            }
            if (total == 0) {
                break;
            }
            boolean capped = false;
            for (int c = 0; c < groups; c++) {
                if (!full[c] && w[c] > 0 && toGive * w[c] / total >= room[c] - share[c]) {
                    toGive -= room[c] - share[c];
                    share[c] = room[c];
                    full[c] = true;
                    capped = true;
                }
            }
            if (!capped) {
                for (int c = 0; c < groups; c++) {
                    if (!full[c] && w[c] > 0) {
                        share[c] += toGive * w[c] / total;
                    }
                }
                toGive = 0;
            }
        }
        double[] rem = new double[groups];
        int given = 0;
        for (int c = 0; c < groups; c++) {
            int whole = (int) Math.min(room[c], Math.floor(share[c] + 1e-9));
            q[c] += whole;
            given += whole;
            rem[c] = share[c] - whole;
        }
        Integer[] ord = new Integer[groups];
        for (int c = 0; c < groups; c++) {
            ord[c] = c;
        }
        Arrays.sort(ord, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
        // the rounding leftover: one row each in order of remainder (room permitting), cycling if needed
        while (given < rest) {
            for (int c : ord) {
                if (given < rest && q[c] < size[c]) {
                    q[c]++;
                    given++;
                }
            }
        }
        return q;
    }

    /** The stratified floor: one row for every present class when m ≥ classes present, else none. */
    private static int[] floorRows(int[] size, int m) {
        int[] q = new int[size.length];
        if (m >= Labels.present(size)) {
            for (int c = 0; c < size.length; c++) {
                q[c] = size[c] > 0 ? 1 : 0;
            }
        }
        return q;
    }

    /** Largest-remainder allocation of {@code m} over groups of sizes {@code size} (Σ size ≥ m). */
    public static int[] allocate(int[] size, int m) {
        long n = 0;
        for (int s : size) {
            n += s;
        }
        int[] q = new int[size.length];
        if (m <= 0 || n == 0) {
            return q;
        }
        double[] rem = new double[size.length];
        int given = 0;
        for (int c = 0; c < size.length; c++) {
            double exact = (double) m * size[c] / n;
            q[c] = (int) Math.floor(exact);
            rem[c] = exact - q[c];
            given += q[c];
        }
        Integer[] ord = new Integer[size.length];
        for (int c = 0; c < ord.length; c++) {
            ord[c] = c;
        }
        Arrays.sort(ord, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
        for (int j = 0; given < m; j = (j + 1) % ord.length) {
            int c = ord[j];
            if (q[c] < size[c]) {
                q[c]++;
                given++;
            }
        }
        return q;
    }
}
