package ai.curator.eval.bench.tabular;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Rand;
import ai.curator.select.algo.ClassQuotas;
import ai.curator.select.algo.KMeans;
import ai.curator.select.algo.LowRankSensitivity;
import ai.curator.select.algo.RadiusThinning;
import ai.curator.select.algo.SensitivitySampling;
import ai.curator.select.algo.UniformSampling;
import ai.curator.select.algo.WeightedSample;
import ai.curator.tabular.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's baseline selections, with the scaling choices the training-fold sizes force
 * (k = budget clusters, or thinning all rows against each other, is quadratic-ish at 10⁴–10⁵ kept
 * rows).
 */
public final class Baselines {
    private Baselines() {}

    /**
     * A weighted subset for training.
     *
     * @param rows distinct rows, ascending
     * @param weights training weight of each row (copies × weight of one copy)
     */
    public record Picked(int[] rows, double[] weights) {
        static Picked of(WeightedSample w) {
            return new Picked(w.rows().clone(), w.weights().clone());
        }

        static Picked equal(int[] rows, double weight) {
            int[] r = rows.clone();
            Arrays.sort(r);
            double[] w = new double[r.length];
            Arrays.fill(w, weight);
            return new Picked(r, w);
        }
    }

    /** m distinct rows uniformly at random, weight N/m. */
    public static Picked uniform(int n, int m, SplittableRandom rnd) {
        return Picked.of(UniformSampling.withoutReplacement(n, m, rnd));
    }

    /**
     * Stratified uniform sampling, the control for the class-stratified ASSS variants: class c gets
     * the quota M_c of {@link ai.curator.select.algo.ClassQuotas#proportional} (in proportion to its
     * size N_c, largest remainder, at least one row per class — the quotas {@code asss_bilevel} and
     * {@code asss_bilevel_sampled} use), its M_c rows are drawn uniformly without replacement, and
     * each weighs N_c/M_c, so the weighted class totals equal the class sizes. What it leaves to
     * compare is the choice of rows <em>within</em> a class.
     *
     * @param y class of every row, in [0, classes)
     * @param classes number of classes
     * @param m rows kept, in [classes present, N]
     * @throws IllegalArgumentException when m is outside that range
     */
    public static Picked uniformStratified(int[] y, int classes, int m, SplittableRandom rnd) {
        requireRowPerClass("uniform_stratified", Labels.counts(y, classes), m);
        return Picked.of(UniformSampling.withinClasses(y, classes, ClassQuotas.proportional(y, classes, m), rnd));
    }

    /**
     * Not a selection: every row, weighted N / (C·N_c) for C classes present, so every class weighs
     * the same in the training loss ({@code full_balanced}; scikit-learn's {@code
     * class_weight="balanced"}). The reference that says how much of a class-balanced subset's
     * macro-F1 comes from reweighting the classes alone.
     */
    public static Picked fullBalanced(int[] y, int classes) {
        int n = y.length;
        int[] size = Labels.counts(y, classes);
        int present = Labels.present(size);
        int[] rows = new int[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            w[i] = n / ((double) present * size[y[i]]);
        }
        return new Picked(rows, w);
    }

    /**
     * Class-balanced uniform sampling, the learning-free control of {@code asss_bilevel_balanced}:
     * every class gets the same quota, a class smaller than its quota is kept whole and the rest is
     * shared among the larger ones ({@link ai.curator.select.algo.ClassQuotas#equal}), rows
     * drawn uniformly without replacement within a class. Every row weighs N/m: the subset is trained
     * on as it is, so its (flatter) class mix becomes the model's class prior — what a class-balanced
     * subset does for macro-averaged metrics, with nothing learned.
     *
     * @throws IllegalArgumentException when m is outside [classes present, N]
     */
    public static Picked uniformBalanced(int[] y, int classes, int m, SplittableRandom rnd) {
        int n = y.length;
        requireRowPerClass("uniform_balanced", Labels.counts(y, classes), m);
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        int[] quota = ClassQuotas.equal(y, classes, m);
        int[] rows = ai.curator.learn.select.algo.TopM.sampleWithin(ones, y, classes, quota, rnd)
                .rows();
        return Picked.equal(rows, n / (double) m);
    }

    /**
     * k-means centroid-nearest selection, the cheaper variant: k-means++ / Lloyd (≤ 100 iterations,
     * one restart) with {@code clusters} centres fitted on at most {@code fitRows} rows drawn at
     * random, every row assigned to its nearest centre, the budget allocated to clusters in proportion
     * to their sizes (largest remainder), and in each cluster the rows nearest its centre kept, each
     * weighted (cluster size)/(rows kept from it). With clusters = m this is the paper's baseline; the
     * benchmark's default is 100 clusters.
     */
    public static Picked kMeans(FloatMatrix x, int m, int clusters, int fitRows, SplittableRandom rnd) {
        int n = x.rows();
        FloatMatrix fit = x;
        if (n > fitRows) {
            int[] perm = Rand.permutation(n, rnd);
            int[] sample = Arrays.copyOf(perm, fitRows);
            Arrays.sort(sample);
            fit = x.selectRows(sample);
        }
        int k = Math.min(clusters, Math.min(m, fit.rows()));
        KMeans.Result r = KMeans.fit(fit, new KMeans.Options(k, 100, 1e-4, 1), rnd);
        double[] dist = new double[n];
        int[] a = KMeans.assign(x, x.rowSquaredNorms(), r.centroids(), dist);
        int[] size = new int[k];
        for (int c : a) {
            size[c]++;
        }
        int[] quota = allocate(size, m);
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            members.get(a[i]).add(i);
        }
        List<int[]> kept = new ArrayList<>();
        int total = 0;
        for (int c = 0; c < k; c++) {
            if (quota[c] == 0) {
                continue;
            }
            List<Integer> mem = members.get(c);
            mem.sort((i, j) -> dist[i] != dist[j] ? Double.compare(dist[i], dist[j]) : Integer.compare(i, j));
            int[] rows = new int[quota[c]];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = mem.get(j);
            }
            kept.add(new int[] {c, rows.length});
            kept.add(rows);
            total += rows.length;
        }
        int[] rows = new int[total];
        double[] w = new double[total];
        int p = 0;
        for (int j = 0; j < kept.size(); j += 2) {
            int c = kept.get(j)[0];
            for (int r0 : kept.get(j + 1)) {
                rows[p] = r0;
                w[p++] = size[c] / (double) quota[c];
            }
        }
        return sorted(rows, w);
    }

    /**
     * Nearest-neighbour thinning, partitioned: the rows are split at random into parts of at most
     * {@code partRows}, the budget is allocated to the parts in proportion to their sizes, and each
     * part is thinned on its own to its share (radius by bisection, {@link RadiusThinning}). Exactly
     * m rows, weight N/m. Thinning all N rows at once costs O(N·m) distance evaluations per bisection
     * step (hours at 10⁵ rows); partitioning makes it O(N·partRows).
     */
    public static Picked nnThinning(FloatMatrix x, int m, int partRows, SplittableRandom rnd) {
        int n = x.rows();
        int parts = (n + partRows - 1) / partRows;
        int[] perm = Rand.permutation(n, rnd);
        int[] size = new int[parts];
        for (int j = 0; j < parts; j++) {
            size[j] = Math.min(partRows, n - j * partRows);
        }
        int[] quota = allocate(size, m);
        int[] out = new int[m];
        int p = 0;
        for (int j = 0; j < parts; j++) {
            if (quota[j] == 0) {
                continue;
            }
            int[] rows = Arrays.copyOfRange(perm, j * partRows, j * partRows + size[j]);
            Arrays.sort(rows);
            RadiusThinning.Result r =
                    RadiusThinning.select(x.selectRows(rows), new RadiusThinning.Options(quota[j], true, 40), rnd);
            for (int local : r.rows()) {
                out[p++] = rows[local];
            }
        }
        return Picked.equal(Arrays.copyOf(out, p), n / (double) m);
    }

    /**
     * Low-rank sensitivity sampling (paper 003, Algorithm 1, {@code basis} mode): features as
     * embeddings, rank {@code min(5, d − 1)}, γ = 5, λ = 1; the loss oracle answers with the warm-up
     * model's per-row loss (called on the k basis-proxy rows only). m draws with replacement,
     * weights count/(m·p).
     */
    public static Picked lowRank(FloatMatrix x, double[] losses, int m, SplittableRandom rnd) {
        int rank = Math.max(1, Math.min(5, x.cols() - 1));
        var r = LowRankSensitivity.score(
                x,
                rows -> {
                    double[] l = new double[rows.length];
                    for (int j = 0; j < rows.length; j++) {
                        l[j] = losses[rows[j]];
                    }
                    return l;
                },
                null,
                LowRankSensitivity.Options.basis(rank),
                rnd);
        return Picked.of(SensitivitySampling.sample(r.sensitivity(), m, rnd));
    }

    static int[] allocate(int[] size, int m) {
        return ClassQuotas.allocate(size, m);
    }

    private static Picked sorted(int[] rows, double[] w) {
        Integer[] idx = new Integer[rows.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Integer.compare(rows[a], rows[b]));
        int[] r = new int[rows.length];
        double[] ww = new double[rows.length];
        for (int i = 0; i < idx.length; i++) {
            r[i] = rows[idx[i]];
            ww[i] = w[idx[i]];
        }
        return new Picked(r, ww);
    }

    /** A class-quota method keeps one row per present class at least: m in [classes present, N]. */
    private static void requireRowPerClass(String method, int[] size, int m) {
        int present = Labels.present(size);
        int n = Arrays.stream(size).sum();
        if (m < present || m > n) {
            throw new IllegalArgumentException(method + " keeps one row per class at least: m must be in [" + present
                    + " (classes present), " + n + " (rows)], got " + m);
        }
    }
}
