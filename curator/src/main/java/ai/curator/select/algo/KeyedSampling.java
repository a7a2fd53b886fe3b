package ai.curator.select.algo;

import ai.curator.linalg.KeyedRandom;
import ai.curator.tabular.Labels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The draws of the selection stages, made so that any partition of the rows gives the same subset:
 * every random number is a function of the stage's key and a row's position or a block's number
 * ({@link KeyedRandom}), never of the order rows are visited in. One machine and a cluster therefore
 * draw identical subsets for a seed.
 *
 * <p><b>With replacement ∝ σ</b> (sensitivity sampling, paper 003 Algorithm 1 lines 5–9; uniform with
 * replacement is σ ≡ 1). Rows fall in fixed blocks of {@link #BLOCK} consecutive positions. (1) Each
 * block's mass {@code M_b = Σ σ} is summed in row order, the total {@code Σ_b M_b} in block order.
 * (2) The s draws are split among blocks by where s sorted uniforms fall on the blocks' cumulative
 * masses; the sorted uniforms come from one stream as normalised cumulative sums of s + 1
 * exponentials (their exact joint law), so the split is multinomial(s, M_b / Σ M) without holding s
 * numbers. (3) A block with {@code c_b} draws makes them by inverse CDF over its own rows from its own
 * stream {@code (key, b)}. Together: s independent draws with {@code p(i) = σ_i / Σσ}, each copy
 * weighted {@code 1/(s·p)}, as {@link SensitivitySampling}; steps (1) and (3) need only one block's
 * rows, step (2) only the block masses.
 *
 * <p><b>Without replacement.</b> Uniform: the s rows with the smallest {@code uniform(key, row)}.
 * Weighted (landmarks ∝ leverage): Efraimidis–Spirakis, the m largest {@code log(u)/w} with {@code
 * u = uniform(key, row)}. Both are top-k by a per-row key, ties by position.
 */
public final class KeyedSampling {
    /** Rows per block of the with-replacement draw. */
    public static final int BLOCK = 4096;

    private KeyedSampling() {}

    /**
     * {@code σ_from + … + σ_{to-1}}, summed in row order: one block's mass.
     *
     * @throws IllegalArgumentException for a NaN, infinite or negative score, named by its position
     */
    public static double blockMass(double[] sigma, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            double v = sigma[i];
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException(
                        "sensitivity scores must be finite and >= 0: score[" + i + "] = " + v);
            }
            m += v;
        }
        return m;
    }

    /** The masses of the blocks of {@code block} rows, in block order. */
    static double[] blockMasses(double[] sigma, int block) {
        int blocks = (sigma.length + block - 1) / block;
        double[] m = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            m[b] = blockMass(sigma, b * block, Math.min(sigma.length, (b + 1) * block));
        }
        return m;
    }

    /**
     * {@code Σ masses}, in block order.
     *
     * @throws IllegalArgumentException when the sum is not positive and finite
     */
    public static double total(double[] masses) {
        double t = 0;
        for (double m : masses) {
            t += m;
        }
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("sensitivity scores must have a positive finite sum, got " + t
                    + " (all-zero scores: set a smoothing constant > 0)");
        }
        return t;
    }

    /**
     * How many of the {@code s} draws land in each block: multinomial(s, masses / Σ masses), from the
     * stream {@code (key, -1)}.
     */
    public static long[] blockCounts(double[] masses, long s, long key) {
        if (s < 1) {
            throw new IllegalArgumentException("the number of draws must be >= 1, got " + s);
        }
        double total = total(masses);
        double[] end = new double[masses.length];
        double acc = 0;
        int lastPositive = -1;
        for (int b = 0; b < masses.length; b++) {
            acc += masses[b];
            end[b] = acc;
            if (masses[b] > 0) {
                lastPositive = b;
            }
        }
        // pass 1: the sum of s + 1 exponentials; pass 2: the same stream again, the first s partial sums
        // divided by it are the s sorted uniforms
        SplittableRandom r = KeyedRandom.stream(key, -1);
        double all = 0;
        for (long j = 0; j <= s; j++) {
            all += exponential(r);
        }
        r = KeyedRandom.stream(key, -1);
        long[] counts = new long[masses.length];
        double partial = 0;
        int b = 0;
        for (long j = 0; j < s; j++) {
            partial += exponential(r);
            double t = partial / all * total;
            while (b < lastPositive && t >= end[b]) {
                b++;
            }
            counts[b]++;
        }
        return counts;
    }

    /**
     * The {@code count} draws of one block: inverse CDF over {@code σ_from … σ_{to-1}} with the
     * stream {@code (key, block)}; draw counts per row of the block.
     */
    public static int[] drawInBlock(double[] sigma, int from, int to, long count, long key, long block) {
        int len = to - from;
        int[] counts = new int[len];
        if (count == 0) {
            return counts;
        }
        double[] cum = new double[len];
        double acc = 0;
        int lastPositive = -1;
        for (int i = 0; i < len; i++) {
            acc += sigma[from + i];
            cum[i] = acc;
            if (sigma[from + i] > 0) {
                lastPositive = i;
            }
        }
        if (lastPositive < 0) {
            throw new IllegalArgumentException(
                    "block " + block + " has no row with a positive score but " + count + " draws");
        }
        SplittableRandom r = KeyedRandom.stream(key, block);
        for (long t = 0; t < count; t++) {
            double u = r.nextDouble() * acc;
            int lo = 0;
            int hi = lastPositive;
            while (lo < hi) { // first row with cum > u: its score is > 0
                int mid = (lo + hi) >>> 1;
                if (cum[mid] > u) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            counts[lo]++;
        }
        return counts;
    }

    /**
     * s draws with replacement with probability {@code σ / Σσ}, in blocks of {@link #BLOCK} rows.
     *
     * @param sigma σ ≥ 0 per row, finite, positive sum
     * @param s number of draws, in {@code [1, N]}
     * @return distinct ids (ascending) with counts and weights {@code count/(s·p)}
     */
    public static WeightedSample withReplacement(double[] sigma, int s, long key) {
        SensitivitySampling.checkBudget(s, sigma.length, "sensitivity_sampling");
        return withReplacement(sigma, s, key, BLOCK);
    }

    static WeightedSample withReplacement(double[] sigma, int s, long key, int block) {
        double[] masses = blockMasses(sigma, block);
        double total = total(masses);
        long[] perBlock = blockCounts(masses, s, key);
        int[] counts = new int[sigma.length];
        for (int b = 0; b < masses.length; b++) {
            int from = b * block;
            int to = Math.min(sigma.length, from + block);
            int[] c = drawInBlock(sigma, from, to, perBlock[b], key, b);
            System.arraycopy(c, 0, counts, from, c.length);
        }
        double[] p = new double[sigma.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = sigma[i] / total;
        }
        return SensitivitySampling.collect(counts, p, s);
    }

    /** s ≥ 1 uniform draws with replacement from n rows, weight {@code count·n/s}. */
    public static WeightedSample uniformWithReplacement(int n, int s, long key) {
        if (s < 1 || n < 1) {
            throw new IllegalArgumentException("cannot draw " + s + " of " + n + " rows");
        }
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        WeightedSample w = withReplacement(ones, s, key, BLOCK);
        double[] exact = new double[w.size()]; // count·n/s, not count/(s·(1/n))
        for (int j = 0; j < exact.length; j++) {
            exact[j] = w.counts()[j] * ((double) n / s);
        }
        return new WeightedSample(w.rows(), w.counts(), exact, s);
    }

    /** The sort key of row {@code i} in uniform sampling without replacement: smaller is taken first. */
    public static long uniformKey(long key, long i) {
        return KeyedRandom.bits(key, i) >>> 11;
    }

    /** s distinct rows of n, the s smallest {@link #uniformKey}s (ties by position), weight n/s each. */
    public static WeightedSample uniformWithoutReplacement(int n, int s, long key) {
        SensitivitySampling.checkBudget(s, n, "uniform");
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        int[] rows = smallestKeys(all, s, key);
        int[] counts = new int[s];
        Arrays.fill(counts, 1);
        double[] w = new double[s];
        Arrays.fill(w, (double) n / s);
        return new WeightedSample(rows, counts, w, s);
    }

    /**
     * Stratified uniform: class c keeps the {@code quota[c]} of its rows with the smallest {@link
     * #uniformKey}s, each weighing {@code N_c / quota[c]} (as {@link UniformSampling#withinClasses}).
     */
    public static WeightedSample withinClasses(int[] y, int classes, int[] quota, long key) {
        int[][] members = Labels.byClass(y, classes);
        int s = 0;
        for (int c = 0; c < classes; c++) {
            if (quota[c] < 0 || quota[c] > members[c].length) {
                throw new IllegalArgumentException(
                        "class " + c + " has " + members[c].length + " rows; cannot keep " + quota[c]);
            }
            s += quota[c];
        }
        int[] rows = new int[s];
        double[] weightOf = new double[y.length];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            for (int r : smallestKeys(members[c], quota[c], key)) {
                rows[k++] = r;
                weightOf[r] = (double) members[c].length / quota[c];
            }
        }
        Arrays.sort(rows);
        int[] counts = new int[s];
        Arrays.fill(counts, 1);
        double[] w = new double[s];
        for (int j = 0; j < s; j++) {
            w[j] = weightOf[rows[j]];
        }
        return new WeightedSample(rows, counts, w, s);
    }

    /** The m of {@code rows} with the smallest uniform keys, ties by position; ascending. */
    private static int[] smallestKeys(int[] rows, int m, long key) {
        if (m == 0) {
            return new int[0];
        }
        long[] k = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            k[i] = uniformKey(key, rows[i]);
        }
        long[] sorted = k.clone();
        Arrays.sort(sorted);
        long cut = sorted[m - 1];
        int below = 0;
        for (long v : k) {
            if (v < cut) {
                below++;
            }
        }
        int tiesTaken = m - below; // rows are ascending, so ties go to the earlier positions
        int[] out = new int[m];
        int j = 0;
        for (int i = 0; i < rows.length; i++) {
            if (k[i] < cut || (k[i] == cut && tiesTaken-- > 0)) {
                out[j++] = rows[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * Efraimidis–Spirakis key of row {@code i} with weight {@code w > 0}: {@code log(u)/w}, larger is
     * taken first; {@code u = uniform(key, i)} moved into (0, 1].
     */
    public static double weightedKey(double w, long key, long i) {
        double u = ((KeyedRandom.bits(key, i) >>> 11) + 1) * 0x1.0p-53;
        return Math.log(u) / w;
    }

    /**
     * m distinct rows drawn without replacement with probability ∝ {@code weights}: the m largest
     * {@link #weightedKey}s, ties by position. Zero weights are taken only after every positive one,
     * smallest {@link #uniformKey} first. Returned ascending.
     */
    public static int[] weightedWithoutReplacement(double[] weights, int m, long key) {
        int n = weights.length;
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("cannot draw " + m + " of " + n + " items");
        }
        int positive = 0;
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0: weights[" + i + "] = " + w);
            }
            if (w > 0) {
                positive++;
            }
        }
        int[] pos = new int[positive];
        int[] zero = new int[n - positive];
        for (int i = 0, a = 0, z = 0; i < n; i++) {
            if (weights[i] > 0) {
                pos[a++] = i;
            } else {
                zero[z++] = i;
            }
        }
        int fromPositive = Math.min(m, positive);
        Integer[] order = new Integer[positive];
        double[] k = new double[positive];
        for (int j = 0; j < positive; j++) {
            order[j] = j;
            k[j] = weightedKey(weights[pos[j]], key, pos[j]);
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(k[b], k[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[m];
        for (int j = 0; j < fromPositive; j++) {
            out[j] = pos[order[j]];
        }
        int[] rest = smallestKeys(zero, m - fromPositive, key);
        System.arraycopy(rest, 0, out, fromPositive, rest.length);
        Arrays.sort(out);
        return out;
    }

    private static double exponential(SplittableRandom r) {
        return -Math.log1p(-r.nextDouble());
    }
}
