package ai.curator.select.algo;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Greedy k-center (farthest-point traversal; Sener &amp; Savarese 2018, "Active Learning for
 * Convolutional Neural Networks: A Core-Set Approach", Alg. 1 without the robust MIP step): start
 * from one row, then repeatedly add the row whose distance to the nearest selected row is largest
 * (ties → lowest row id). A 2-approximation of the minimax radius. O(budget · N · d) time, O(N)
 * memory; the distance update is multi-threaded. Unweighted (weight 1 per row).
 */
public final class KCenterGreedy {
    private KCenterGreedy() {}

    /**
     * Options.
     *
     * @param budget rows to select, in {@code [1, N]}
     * @param start first row, or {@code -1} to draw it uniformly from the seed (default)
     */
    public record Options(int budget, int start) {
        public Options {
            if (budget < 1) {
                throw new IllegalArgumentException("k_center_greedy.budget must be >= 1, got " + budget);
            }
            if (start < -1) {
                throw new IllegalArgumentException(
                        "k_center_greedy.start must be a row id or -1 (random), got " + start);
            }
        }
    }

    /** Selected row ids in selection order. */
    public static int[] select(FloatMatrix x, Options options, SplittableRandom rnd) {
        int n = x.rows();
        int d = x.cols();
        SensitivitySampling.checkBudget(options.budget(), n, "k_center_greedy");
        if (options.start() >= n) {
            throw new IllegalArgumentException("k_center_greedy.start must be < N = " + n + ", got " + options.start());
        }
        x.requireFinite("k_center_greedy input");
        double[] minD = new double[n];
        Arrays.fill(minD, Double.POSITIVE_INFINITY);
        int[] out = new int[options.budget()];
        int cur = options.start() >= 0 ? options.start() : rnd.nextInt(n);
        float[] xd = x.data();
        for (int t = 0; t < out.length; t++) {
            out[t] = cur;
            final int co = cur * d;
            Parallel.forBlocks(n, Parallel.blockSize(n, 2048), (s, e) -> {
                for (int i = s; i < e; i++) {
                    double dist = Kernels.squaredDistance(xd, i * d, xd, co, d);
                    if (dist < minD[i]) {
                        minD[i] = dist;
                    }
                }
            });
            minD[cur] = 0;
            int best = -1;
            double bestD = -1;
            for (int i = 0; i < n; i++) {
                if (minD[i] > bestD) {
                    bestD = minD[i];
                    best = i;
                }
            }
            if (bestD <= 0 && t + 1 < out.length) {
                // every row coincides with a selected one: fill with the lowest unselected ids
                boolean[] sel = new boolean[n];
                for (int j = 0; j <= t; j++) {
                    sel[out[j]] = true;
                }
                for (int i = 0; i < n; i++) {
                    if (!sel[i]) {
                        best = i;
                        break;
                    }
                }
            }
            cur = best;
        }
        return out;
    }
}
