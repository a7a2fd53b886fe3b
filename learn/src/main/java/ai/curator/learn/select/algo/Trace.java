package ai.curator.learn.select.algo;

import ai.curator.tabular.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * What a selector's training looked like: snapshots of the selection probabilities p over all
 * rows (a 20-bin histogram on [0, 1]) at evenly spaced iterations, and the selected fraction per
 * class at the end.
 */
public final class Trace implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Histogram bins on [0, 1]. */
    public static final int BINS = 20;

    /**
     * One snapshot.
     *
     * @param iteration iteration (0 = before training)
     * @param tau temperature at that point (NaN where the method has none)
     * @param meanP mean p over all rows
     * @param histogram rows per bin of p, {@link #BINS} bins on [0, 1]
     * @param objective the method's running objective (mean over the iterations since the last
     *     snapshot; NaN at iteration 0)
     */
    public record Snapshot(int iteration, double tau, double meanP, int[] histogram, double objective)
            implements java.io.Serializable {}

    private final List<Snapshot> snapshots = new ArrayList<>();
    private double[] classFraction = new double[0];

    /** Adds a snapshot of {@code p}. */
    public void add(int iteration, double tau, double[] p, double objective) {
        int[] h = new int[BINS];
        double mean = 0;
        for (double v : p) {
            h[Math.min(BINS - 1, Math.max(0, (int) (v * BINS)))]++;
            mean += v;
        }
        snapshots.add(new Snapshot(iteration, tau, mean / p.length, h, objective));
    }

    public List<Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** Sets the selected fraction per class from the kept rows. */
    public void classFraction(int[] kept, int[] y, int classes) {
        int[] all = Labels.counts(y, classes);
        int[] sel = new int[classes];
        for (int r : kept) {
            sel[y[r]]++;
        }
        classFraction = new double[classes];
        for (int c = 0; c < classes; c++) {
            classFraction[c] = all[c] == 0 ? Double.NaN : sel[c] / (double) all[c];
        }
    }

    /** Selected fraction per class (NaN for a class with no rows). */
    public double[] classFraction() {
        return classFraction.clone();
    }
}
