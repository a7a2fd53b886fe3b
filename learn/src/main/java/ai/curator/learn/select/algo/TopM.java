package ai.curator.learn.select.algo;

import ai.curator.select.algo.ClassQuotas;
import ai.curator.select.algo.KeyedSampling;
import ai.curator.tabular.Labels;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The final subset of both ASSS selectors: the {@code m} rows with the largest score (ties → lower
 * row), with a <b>stratified floor of one row per class</b>: when {@code m} is at least the number
 * of classes present, every present class keeps its best-scored row — a class the top-M would
 * leave empty takes the place of the lowest-scored kept row of a class that keeps more than one.
 * When {@code m} is smaller than the number of classes present the floor cannot hold and the plain
 * top-M is returned ({@link Result#emptyClasses} says how many classes were left out).
 */
public final class TopM {
    private TopM() {}

    /**
     * @param rows the kept rows, ascending
     * @param emptyClasses present classes with no kept row (0 unless m &lt; classes present)
     * @param floorSwaps rows swapped in by the floor
     */
    public record Result(int[] rows, int emptyClasses, int floorSwaps) {}

    /**
     * Class-stratified top-M ({@code asss_bilevel}): each class gets a quota in proportion to its
     * size (largest remainder; at least one row per present class when m ≥ classes present), and
     * keeps its highest-scored rows. The selector then decides <em>which</em> rows of a class, not
     * how much of each class — without this, a selector's class-level preferences shift the trained
     * model's class priors (measured on shuttle: a whole 15% class dropped).
     */
    public static Result stratified(double[] score, int[] y, int classes, int m) {
        return topWithin(score, y, classes, ClassQuotas.proportional(y, classes, m));
    }

    /** Each class c keeps its {@code quota[c]} highest-scored rows (ties → lower row). */
    public static Result topWithin(double[] score, int[] y, int classes, int[] q) {
        int n = score.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
        int[] taken = new int[classes];
        boolean[] kept = new boolean[n];
        for (int i : order) {
            int c = y[i];
            if (taken[c] < q[c]) {
                kept[i] = true;
                taken[c]++;
            }
        }
        return new Result(IntStream.range(0, n).filter(i -> kept[i]).toArray(), emptyClasses(y, classes, taken), 0);
    }

    /**
     * Class-stratified sampling: the quotas of {@link #stratified}, each class's rows drawn without
     * replacement with probability ∝ score (Efraimidis–Spirakis). Keeps the whole class's coverage of
     * feature space, where top-M of a smooth score keeps one region of it.
     */
    public static Result stratifiedSample(double[] score, int[] y, int classes, int m, java.util.SplittableRandom rnd) {
        return sampleWithin(score, y, classes, ClassQuotas.proportional(y, classes, m), rnd);
    }

    /**
     * Each class c keeps {@code quota[c]} of its rows (at most its size), drawn without replacement
     * with probability ∝ score (Efraimidis–Spirakis; scores below 1e-12 count as 1e-12).
     */
    public static Result sampleWithin(double[] score, int[] y, int classes, int[] q, java.util.SplittableRandom rnd) {
        int n = score.length;
        boolean[] kept = new boolean[n];
        int[] taken = new int[classes];
        for (int c = 0; c < classes; c++) {
            final int cc = c;
            int[] rows = IntStream.range(0, n).filter(i -> y[i] == cc).toArray();
            double[] w = new double[rows.length];
            for (int j = 0; j < rows.length; j++) {
                w[j] = Math.max(1e-12, score[rows[j]]);
            }
            for (int j : KeyedSampling.weightedWithoutReplacement(w, q[c], rnd.nextLong())) {
                kept[rows[j]] = true;
                taken[c]++;
            }
        }
        return new Result(IntStream.range(0, n).filter(i -> kept[i]).toArray(), emptyClasses(y, classes, taken), 0);
    }

    private static int emptyClasses(int[] y, int classes, int[] taken) {
        int[] size = Labels.counts(y, classes);
        int empty = 0;
        for (int c = 0; c < classes; c++) {
            empty += size[c] > 0 && taken[c] == 0 ? 1 : 0;
        }
        return empty;
    }

    /**
     * Class quotas from the selector's own class masses ({@code class_quota: learned}): class c's
     * share of the budget is ∝ Σ_{i∈c} p_i, capped at its size, with at least one row per present
     * class when m allows ({@link ClassQuotas#capped}). A selector that rates a rare class highly keeps
     * more of it than its share of the rows; one with p constant gives the proportional quotas of
     * {@link ClassQuotas#proportional} (up to rounding).
     */
    public static int[] learnedQuotas(double[] p, int[] y, int classes, int m) {
        double[] mass = new double[classes];
        for (int i = 0; i < y.length; i++) {
            mass[y[i]] += Math.max(0, p[i]);
        }
        return ClassQuotas.capped(mass, Labels.counts(y, classes), m);
    }

    /** Selects {@code m} (in [1, N]) rows by {@code score}, with the floor over labels {@code y}. */
    public static Result select(double[] score, int[] y, int classes, int m) {
        int n = score.length;
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("top-M needs 1 <= m <= N = " + n + ", got " + m);
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
        boolean[] kept = new boolean[n];
        int[] keptPerClass = new int[classes];
        for (int j = 0; j < m; j++) {
            kept[order[j]] = true;
            keptPerClass[y[order[j]]]++;
        }
        int[] present = Labels.counts(y, classes);
        int presentClasses = Labels.present(present);
        int swaps = 0;
        if (m >= presentClasses) {
            int tail = m - 1; // candidate to drop: lowest-scored kept row
            for (int j = m; j < n; j++) {
                int r = order[j];
                if (keptPerClass[y[r]] > 0) {
                    continue;
                }
                while (keptPerClass[y[order[tail]]] <= 1 || !kept[order[tail]]) {
                    tail--;
                }
                kept[order[tail]] = false;
                keptPerClass[y[order[tail]]]--;
                kept[r] = true;
                keptPerClass[y[r]]++;
                swaps++;
            }
        }
        int empty = 0;
        for (int c = 0; c < classes; c++) {
            empty += present[c] > 0 && keptPerClass[c] == 0 ? 1 : 0;
        }
        int[] rows = IntStream.range(0, n).filter(i -> kept[i]).toArray();
        return new Result(rows, empty, swaps);
    }
}
