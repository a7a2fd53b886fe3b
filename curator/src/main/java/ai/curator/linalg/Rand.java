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
}
