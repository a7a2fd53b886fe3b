package ai.curator.linalg;

import java.util.SplittableRandom;

/** Random draws from a {@link SplittableRandom} (never {@code Math.random}). */
public final class Rand {
    private Rand() {}

    /** A standard normal draw (Box–Muller, one value per call). */
    public static double gaussian(SplittableRandom rnd) {
        double u1;
        do {
            u1 = rnd.nextDouble();
        } while (u1 <= 0.0);
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). */
    public static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * {@code m} distinct indices from {@code 0..n-1} drawn without replacement with probability
     * proportional to {@code weights} (Efraimidis–Spirakis keys {@code log(u)/w}, top {@code m}).
     * Zero-weight items are taken only after all positive-weight ones, in random order. Returned
     * sorted ascending.
     */
    public static int[] weightedWithoutReplacement(double[] weights, int m, SplittableRandom rnd) {
        int n = weights.length;
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("cannot draw " + m + " of " + n + " items");
        }
        double[] key = new double[n];
        boolean[] zero = new boolean[n];
        for (int i = 0; i < n; i++) {
            double u;
            do {
                u = rnd.nextDouble();
            } while (u <= 0.0);
            double w = weights[i];
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0: weights[" + i + "] = " + w);
            }
            // key = log(u)/w, larger is better; zero weights form a lower tier ordered by u
            zero[i] = w == 0;
            key[i] = w > 0 ? Math.log(u) / w : u;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> {
            if (zero[a] != zero[b]) {
                return zero[a] ? 1 : -1;
            }
            int c = Double.compare(key[b], key[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        java.util.Arrays.sort(out);
        return out;
    }
}
