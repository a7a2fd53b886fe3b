package ai.curator.eval.bench.tabular;

import ai.curator.eval.metrics.Metrics;
import ai.curator.linalg.Rand;
import ai.curator.tabular.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stratified k-fold splits, repeated: within each repeat every class's rows are shuffled and dealt
 * to the folds in turn, continuing the turn from one class to the next so fold sizes differ by at
 * most one. The same folds serve every method (paired comparison).
 *
 * <p>A class with fewer rows than folds is allowed (as scikit-learn's StratifiedKFold, with a
 * warning): its rows land in as many folds as it has rows, so some test folds lack it — macro
 * metrics there average over the classes present ({@link Metrics}).
 */
public final class Folds {
    private Folds() {}

    /**
     * One split.
     *
     * @param repeat repeat index
     * @param fold fold index
     * @param train training rows, ascending
     * @param test test rows, ascending
     */
    public record Split(int repeat, int fold, int[] train, int[] test) {}

    /** {@code repeats × k} splits of rows labelled {@code y}. */
    public static List<Split> stratified(int[] y, int classes, int k, int repeats, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("folds must be >= 2, got " + k);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        if (y.length < k) {
            throw new IllegalArgumentException("folds (" + k + ") must not exceed the rows (" + y.length + ")");
        }
        List<Split> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < repeats; r++) {
            int[] fold = new int[y.length];
            int turn = rnd.nextInt(k);
            for (int c = 0; c < classes; c++) {
                List<Integer> rows = new ArrayList<>();
                for (int i = 0; i < y.length; i++) {
                    if (y[i] == c) {
                        rows.add(i);
                    }
                }
                int[] perm = Rand.permutation(rows.size(), rnd);
                for (int j : perm) {
                    fold[rows.get(j)] = turn;
                    turn = (turn + 1) % k;
                }
            }
            for (int f = 0; f < k; f++) {
                final int ff = f;
                int[] test = java.util.stream.IntStream.range(0, y.length)
                        .filter(i -> fold[i] == ff)
                        .toArray();
                int[] train = java.util.stream.IntStream.range(0, y.length)
                        .filter(i -> fold[i] != ff)
                        .toArray();
                out.add(new Split(r, f, train, test));
            }
        }
        return out;
    }

    /** Classes with fewer rows than {@code k} (present, but not in every fold), by index. */
    public static List<Integer> sparseClasses(int[] y, int classes, int k) {
        int[] n = Labels.counts(y, classes);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (n[c] > 0 && n[c] < k) {
                out.add(c);
            }
        }
        return out;
    }
}
