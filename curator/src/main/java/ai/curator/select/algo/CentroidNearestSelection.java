package ai.curator.select.algo;

import ai.curator.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * k-means selection (paper 003 §4.1 "clustering" baseline; paper 000 "k-means selection"): k-means
 * with k = budget, then the member point nearest each centroid, weighted by its cluster's size (so
 * the weights sum to N). Representatives are taken among each cluster's own members, so they are
 * distinct; empty clusters (fewer distinct points than k) contribute nothing, so the result may
 * hold fewer than {@code budget} rows.
 */
public final class CentroidNearestSelection {
    private CentroidNearestSelection() {}

    /** Selects up to {@code kmeans.k()} rows; {@code 1 ≤ k ≤ N}. */
    public static WeightedSample select(FloatMatrix x, KMeans.Options kmeans, SplittableRandom rnd) {
        KMeans.Result km = KMeans.fit(x, kmeans, rnd);
        int[] reps = KMeans.nearestMembers(x, km);
        int[] sizes = km.sizes();
        Integer[] order = new Integer[reps.length];
        for (int j = 0; j < reps.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (p, q) -> Integer.compare(reps[p], reps[q]));
        int m = 0;
        for (int r : reps) {
            if (r >= 0) {
                m++;
            }
        }
        int[] rows = new int[m];
        int[] counts = new int[m];
        double[] w = new double[m];
        int t = 0;
        for (Integer j : order) {
            if (reps[j] >= 0) {
                rows[t] = reps[j];
                counts[t] = 1;
                w[t] = sizes[j];
                t++;
            }
        }
        return new WeightedSample(rows, counts, w, m);
    }
}
