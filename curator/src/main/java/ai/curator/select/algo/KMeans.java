package ai.curator.select.algo;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * k-means: k-means++ seeding (Arthur &amp; Vassilvitskii 2007, D² sampling) then Lloyd iterations,
 * best inertia over restarts — the clustering of paper 003 §4.1 (k-means++, ≤ 300 iterations, 10
 * restarts) and of the clustering-sensitivity baseline (Axiotis et al. 2024).
 *
 * <p>The assignment step computes {@code ‖x‖² − 2x·c + ‖c‖²} with a blocked {@code X·Cᵀ} product
 * ({@code N·d·k} multiply-adds per iteration, multi-threaded over row blocks, only a 256 × k
 * scratch per block); the reported inertia re-computes each point's distance to its own centroid
 * directly. Iteration stops after {@code maxIterations}, when no assignment changes, or when the
 * total squared centroid shift is {@code ≤ tolerance · mean per-feature variance}
 * (scikit-learn's rule). An empty cluster is re-seeded with the point farthest from its centroid
 * (next farthest for the next empty one). With fewer distinct points than k some clusters may
 * stay empty (size 0).
 */
public final class KMeans {
    private KMeans() {}

    private static final int BLOCK = 256;

    /**
     * Options.
     *
     * @param k clusters, {@code >= 1} and {@code <= N}
     * @param maxIterations Lloyd iterations per restart, {@code >= 1}; default 300
     * @param tolerance relative centroid-shift tolerance, {@code >= 0}; default 1e-4
     * @param restarts independent seedings, best inertia kept, {@code >= 1}; default 10
     */
    public record Options(int k, int maxIterations, double tolerance, int restarts) {
        public Options {
            if (k < 1) {
                throw new IllegalArgumentException("k_means.k must be >= 1, got " + k);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("k_means.max_iterations must be >= 1, got " + maxIterations);
            }
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new IllegalArgumentException("k_means.tolerance must be finite and >= 0, got " + tolerance);
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("k_means.restarts must be >= 1, got " + restarts);
            }
        }

        /** k clusters, 300 iterations, tolerance 1e-4, 10 restarts (paper 003 §4.1). */
        public static Options of(int k) {
            return new Options(k, 300, 1e-4, 10);
        }
    }

    /**
     * A clustering.
     *
     * @param centroids {@code k × d}
     * @param assignment cluster of each row
     * @param sizes rows per cluster
     * @param inertia Σ ‖x − c(x)‖²
     * @param iterations Lloyd iterations run in the kept restart
     */
    public record Result(FloatMatrix centroids, int[] assignment, int[] sizes, double inertia, int iterations) {}

    /** Clusters the rows of {@code x} ({@code N × d}, finite). */
    public static Result fit(FloatMatrix x, Options options, SplittableRandom rnd) {
        int n = x.rows();
        if (options.k() > n) {
            throw new IllegalArgumentException(
                    "k_means.k must be <= the number of rows N = " + n + ", got " + options.k());
        }
        x.requireFinite("k_means input");
        double[] xSq = x.rowSquaredNorms();
        double tol = options.tolerance() * meanVariance(x);
        Result best = null;
        for (int r = 0; r < options.restarts(); r++) {
            Result res = lloyd(x, xSq, seedPlusPlus(x, options.k(), rnd), options.maxIterations(), tol);
            if (best == null || res.inertia() < best.inertia()) {
                best = res;
            }
        }
        return best;
    }

    /**
     * k-means++ seeding: first centre uniform, then each next centre drawn with probability ∝ squared
     * distance to the nearest chosen centre (uniform among unchosen rows when all distances are 0).
     *
     * <p>The D² draw sums the distances in fixed chunks of {@link Parallel#REDUCTION_CHUNK} rows
     * (each chunk in row order, the chunk totals in chunk order) and walks the chunk the draw falls
     * in ({@link #drawChunk}, {@link #drawInChunk}), so a cluster engine holding the rows in those
     * chunks draws the same centres. Up to 16,384 rows this is the plain running sum.
     */
    public static FloatMatrix seedPlusPlus(FloatMatrix x, int k, SplittableRandom rnd) {
        int n = x.rows();
        int d = x.cols();
        float[] xd = x.data();
        FloatMatrix c = new FloatMatrix(k, d);
        double[] minD = new double[n];
        Arrays.fill(minD, Double.POSITIVE_INFINITY);
        boolean[] chosen = new boolean[n];
        int per = Parallel.REDUCTION_CHUNK;
        double[] totals = new double[Parallel.reductionChunks(n)];
        int first = rnd.nextInt(n);
        for (int j = 0; j < k; j++) {
            int pick;
            if (j == 0) {
                pick = first;
            } else {
                IntStream.range(0, totals.length)
                        .parallel()
                        .forEach(ch -> totals[ch] = chunkSum(minD, ch * per, Math.min(n, (ch + 1) * per)));
                double total = total(totals);
                if (total > 0) {
                    double u = rnd.nextDouble() * total;
                    int ch = drawChunk(totals, u);
                    int from = ch * per;
                    pick = from
                            + drawInChunk(
                                    Arrays.copyOfRange(minD, from, Math.min(n, from + per)),
                                    prefixBefore(totals, ch),
                                    u);
                } else {
                    pick = unchosen(chosen, rnd.nextInt(n - j));
                }
            }
            chosen[pick] = true;
            System.arraycopy(xd, pick * d, c.data(), j * d, d);
            final int po = pick * d;
            Parallel.forBlocks(n, Parallel.blockSize(n, 2048), (s, e) -> lowerDistances(xd, s, e, d, xd, po, minD));
        }
        return c;
    }

    /**
     * Lowers {@code minD[i]} to row i's squared distance to the centre at {@code centre[co …]} where
     * that is nearer, for rows {@code from … to − 1} of a row-major {@code d}-column array.
     */
    public static void lowerDistances(float[] rows, int from, int to, int d, float[] centre, int co, double[] minD) {
        for (int i = from; i < to; i++) {
            double dist = Kernels.squaredDistance(rows, i * d, centre, co, d);
            if (dist < minD[i]) {
                minD[i] = dist;
            }
        }
    }

    /** Σ ‖x_i − c(x_i)‖² over rows {@code from … to − 1} in row order ({@code assignment} indexed as the rows). */
    public static double inertia(float[] rows, int[] assignment, int from, int to, int d, float[] centroids) {
        double acc = 0;
        for (int i = from; i < to; i++) {
            acc += Kernels.squaredDistance(rows, i * d, centroids, assignment[i] * d, d);
        }
        return acc;
    }

    /** {@code v[from] + … + v[to − 1]}, in that order from 0. */
    public static double chunkSum(double[] v, int from, int to) {
        double acc = 0;
        for (int i = from; i < to; i++) {
            acc += v[i];
        }
        return acc;
    }

    /** The chunk totals added in chunk order. */
    public static double total(double[] chunkTotals) {
        return chunkSum(chunkTotals, 0, chunkTotals.length);
    }

    /** The running sum of the totals of the chunks before {@code chunk}. */
    public static double prefixBefore(double[] chunkTotals, int chunk) {
        return chunkSum(chunkTotals, 0, chunk);
    }

    /**
     * The chunk a D² draw {@code u} (in [0, total)) falls in: the first whose running total exceeds
     * {@code u}, else (rounding at the very end) the last chunk with a positive total.
     */
    public static int drawChunk(double[] chunkTotals, double u) {
        double acc = 0;
        int lastPositive = -1;
        for (int ch = 0; ch < chunkTotals.length; ch++) {
            acc += chunkTotals[ch];
            if (chunkTotals[ch] > 0) {
                if (acc > u) {
                    return ch;
                }
                lastPositive = ch;
            }
        }
        return lastPositive;
    }

    /**
     * The row (index into {@code minD}, a chunk's distances) a D² draw {@code u} falls on, the
     * running sum starting at {@code before} (the earlier chunks' total): the first positive row
     * where it exceeds {@code u}, else (rounding) the chunk's last positive row.
     */
    public static int drawInChunk(double[] minD, double before, double u) {
        double acc = before;
        int lastPositive = -1;
        for (int i = 0; i < minD.length; i++) {
            acc += minD[i];
            if (minD[i] > 0) {
                if (acc > u) {
                    return i;
                }
                lastPositive = i;
            }
        }
        return lastPositive;
    }

    /** The {@code t}-th (from 0) row not yet chosen. */
    public static int unchosen(boolean[] chosen, int t) {
        for (int i = 0; i < chosen.length; i++) {
            if (!chosen[i] && t-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("fewer unchosen rows than " + t);
    }

    /**
     * Nearest centroid of every row (ties → lower index), via the blocked {@code ‖x‖² − 2x·c + ‖c‖²}
     * product.
     *
     * @param xSq row squared norms of {@code x}
     * @param distOut if non-null, receives the (expansion-based, clipped at 0) squared distances
     */
    public static int[] assign(FloatMatrix x, double[] xSq, FloatMatrix centroids, double[] distOut) {
        int n = x.rows();
        int k = centroids.rows();
        int d = x.cols();
        FloatMatrix ct = centroids.transpose();
        double[] cSq = centroids.rowSquaredNorms();
        int[] a = new int[n];
        Parallel.forBlocks(n, BLOCK, (s, e) -> {
            float[] dots = new float[(e - s) * k];
            Kernels.gemmRows(x.data(), d, s, e, ct.data(), k, dots, 0);
            for (int i = s; i < e; i++) {
                int o = (i - s) * k;
                int best = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double dist = cSq[j] - 2.0 * dots[o + j];
                    if (dist < bestD) {
                        bestD = dist;
                        best = j;
                    }
                }
                a[i] = best;
                if (distOut != null) {
                    distOut[i] = Math.max(0.0, bestD + xSq[i]);
                }
            }
        });
        return a;
    }

    private static Result lloyd(FloatMatrix x, double[] xSq, FloatMatrix init, int maxIter, double tol) {
        int n = x.rows();
        int d = x.cols();
        int k = init.rows();
        FloatMatrix c = init;
        int[] a = null;
        int it = 0;
        while (it < maxIter) {
            it++;
            int[] na = assign(x, xSq, c, null);
            boolean changed = a == null || !Arrays.equals(a, na);
            a = na;
            FloatMatrix nc = update(x, a, k, c);
            double shift = shift(nc, c);
            c = nc;
            if (!changed || shift <= tol) {
                break;
            }
        }
        a = assign(x, xSq, c, null);
        int[] sizes = new int[k];
        for (int v : a) {
            sizes[v]++;
        }
        final int[] fa = a;
        final FloatMatrix fc = c;
        // Fixed chunks added in order: the inertia (which picks the best restart) is the same on any machine.
        int chunks = Parallel.reductionChunks(n);
        double[] part = new double[chunks];
        IntStream.range(0, chunks)
                .parallel()
                .forEach(ch -> part[ch] = inertia(
                        x.data(),
                        fa,
                        ch * Parallel.REDUCTION_CHUNK,
                        Math.min(n, (ch + 1) * Parallel.REDUCTION_CHUNK),
                        d,
                        fc.data()));
        double inertia = total(part);
        return new Result(c, a, sizes, inertia, it);
    }

    /** Σ_j ‖a_j − b_j‖² over the rows of two centroid matrices (Lloyd's stopping test). */
    public static double shift(FloatMatrix a, FloatMatrix b) {
        int d = a.cols();
        double shift = 0;
        for (int j = 0; j < a.rows(); j++) {
            shift += Kernels.squaredDistance(a.data(), j * d, b.data(), j * d, d);
        }
        return shift;
    }

    /** New centroids = cluster means (double partial sums per chunk); empty clusters re-seeded. */
    private static FloatMatrix update(FloatMatrix x, int[] a, int k, FloatMatrix old) {
        int n = x.rows();
        int d = x.cols();
        float[] xd = x.data();
        int chunks = Parallel.reductionChunks(n);
        int per = Parallel.REDUCTION_CHUNK;
        double[][] sums = new double[chunks][];
        int[][] counts = new int[chunks][];
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            double[] s = new double[k * d];
            int[] cnt = new int[k];
            int end = Math.min(n, (ch + 1) * per);
            for (int i = ch * per; i < end; i++) {
                int o = a[i] * d;
                int xo = i * d;
                cnt[a[i]]++;
                for (int j = 0; j < d; j++) {
                    s[o + j] += xd[xo + j];
                }
            }
            sums[ch] = s;
            counts[ch] = cnt;
        });
        double[] total = new double[k * d];
        int[] cnt = new int[k];
        for (int ch = 0; ch < chunks; ch++) {
            for (int t = 0; t < total.length; t++) {
                total[t] += sums[ch][t];
            }
            for (int j = 0; j < k; j++) {
                cnt[j] += counts[ch][j];
            }
        }
        FloatMatrix c = new FloatMatrix(k, d);
        boolean anyEmpty = false;
        for (int j = 0; j < k; j++) {
            if (cnt[j] == 0) {
                anyEmpty = true;
                continue;
            }
            for (int t = 0; t < d; t++) {
                c.data()[j * d + t] = (float) (total[j * d + t] / cnt[j]);
            }
        }
        if (anyEmpty) {
            // farthest points (from their current centroid) re-seed the empty clusters
            double[] dist = new double[n];
            for (int i = 0; i < n; i++) {
                dist[i] = Kernels.squaredDistance(xd, i * d, old.data(), a[i] * d, d);
            }
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (p, q) -> {
                int cmp = Double.compare(dist[q], dist[p]);
                return cmp != 0 ? cmp : Integer.compare(p, q);
            });
            int next = 0;
            for (int j = 0; j < k; j++) {
                if (cnt[j] == 0 && next < n) {
                    System.arraycopy(xd, order[next++] * d, c.data(), j * d, d);
                }
            }
        }
        return c;
    }

    /**
     * For each cluster, the member row nearest its centroid (ties → lower row id); {@code -1} for an
     * empty cluster. Members only, so distinct clusters give distinct rows.
     */
    public static int[] nearestMembers(FloatMatrix x, Result r) {
        int k = r.centroids().rows();
        int d = x.cols();
        int[] best = new int[k];
        double[] bestD = new double[k];
        Arrays.fill(best, -1);
        Arrays.fill(bestD, Double.POSITIVE_INFINITY);
        int[] a = r.assignment();
        for (int i = 0; i < x.rows(); i++) {
            int j = a[i];
            double dist = Kernels.squaredDistance(x.data(), i * d, r.centroids().data(), j * d, d);
            if (dist < bestD[j]) {
                bestD[j] = dist;
                best[j] = i;
            }
        }
        return best;
    }

    /**
     * Mean over features of the per-feature variance (the scale of scikit-learn's tolerance), summed
     * in fixed chunks of {@link Parallel#REDUCTION_CHUNK} rows added in order ({@link #columnSums},
     * {@link #means}, {@link #squaredDeviations}), as a cluster engine sums the same chunks.
     */
    static double meanVariance(FloatMatrix x) {
        int n = x.rows();
        int d = x.cols();
        int chunks = Parallel.reductionChunks(n);
        int per = Parallel.REDUCTION_CHUNK;
        double[][] colSums = new double[chunks][];
        IntStream.range(0, chunks)
                .parallel()
                .forEach(ch -> colSums[ch] = columnSums(x.data(), d, ch * per, Math.min(n, (ch + 1) * per)));
        double[] mean = means(java.util.Arrays.asList(colSums), n, d);
        double[] sq = new double[chunks];
        IntStream.range(0, chunks)
                .parallel()
                .forEach(ch -> sq[ch] = squaredDeviations(x.data(), d, ch * per, Math.min(n, (ch + 1) * per), mean));
        return total(sq) / ((double) n * d);
    }

    /** Column sums of rows {@code from … to − 1} of a row-major {@code d}-column array, in row order. */
    public static double[] columnSums(float[] rows, int d, int from, int to) {
        double[] m = new double[d];
        for (int i = from; i < to; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                m[j] += rows[o + j];
            }
        }
        return m;
    }

    /** Column means from per-chunk column sums given in chunk order. */
    public static double[] means(java.util.List<double[]> chunkColumnSums, long n, int d) {
        double[] m = new double[d];
        for (double[] c : chunkColumnSums) {
            for (int j = 0; j < d; j++) {
                m[j] += c[j];
            }
        }
        for (int j = 0; j < d; j++) {
            m[j] /= Math.max(1, n);
        }
        return m;
    }

    /** Σ (x − mean)² over rows {@code from … to − 1} and every column, in row order. */
    public static double squaredDeviations(float[] rows, int d, int from, int to, double[] mean) {
        double s = 0;
        for (int i = from; i < to; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                double v = rows[o + j] - mean[j];
                s += v * v;
            }
        }
        return s;
    }
}
