package ai.curator.spark;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Kernels;
import ai.curator.linalg.Parallel;
import ai.curator.select.algo.KMeans;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@link KMeans} over a {@link SparkTallMatrix}: the same k-means++ draws, Lloyd iterations,
 * empty-cluster re-seeding, restarts and nearest members, with every sum taken over the same fixed
 * chunks of {@link Parallel#REDUCTION_CHUNK} rows in the same order — so the centroids, the
 * assignment and the inertia are one machine's bits.
 *
 * <p>Cost: k-means++ runs one pass over the rows per centre (two small jobs each: the chunk totals
 * of the distances, then the chunk the draw falls in); each Lloyd iteration one pass (assignment,
 * per-cluster partial sums grouped by cluster and added in chunk order). The centroids go to the
 * executors as a broadcast ({@code k × d} floats), so k must fit an executor's memory; at the
 * paper's k = 20% of N the method is quadratic in N on any engine.
 */
final class SparkKMeans {
    private SparkKMeans() {}

    /** Lineage of the k-means++ distances is cut every this many centres. */
    private static final int CHECKPOINT_EVERY = 64;

    /**
     * A clustering.
     *
     * @param centroids {@code k × d}
     * @param assignment chunk id → cluster of each of its rows (persisted; unpersist when done)
     * @param sizes rows per cluster
     * @param inertia Σ ‖x − c(x)‖², summed as one machine sums it
     * @param iterations Lloyd iterations of the kept restart
     */
    record Fit(
            FloatMatrix centroids,
            JavaPairRDD<Integer, int[]> assignment,
            long[] sizes,
            double inertia,
            int iterations) {}

    /** One chunk's rows and what k-means keeps per row. */
    private record Rows(float[] x, double[] minD, int[] cluster, int changed) implements Serializable {}

    /** As {@link KMeans#fit}, over the chunks of {@code x}. */
    static Fit fit(JavaSparkContext jsc, SparkTallMatrix x, KMeans.Options options, SplittableRandom rnd) {
        int n = x.rows();
        if (options.k() > n) {
            throw new IllegalArgumentException(
                    "k_means.k must be <= the number of rows N = " + n + ", got " + options.k());
        }
        double tol = options.tolerance() * meanVariance(x);
        Fit best = null;
        for (int r = 0; r < options.restarts(); r++) {
            Fit f = lloyd(jsc, x, seedPlusPlus(x, options.k(), rnd), options.maxIterations(), tol);
            if (best == null || f.inertia() < best.inertia()) {
                if (best != null) {
                    best.assignment().unpersist(false);
                }
                best = f;
            } else {
                f.assignment().unpersist(false);
            }
        }
        return best;
    }

    /** {@link KMeans#seedPlusPlus}: the chunk totals of the D² distances, then the draw's chunk walked. */
    static FloatMatrix seedPlusPlus(SparkTallMatrix x, int k, SplittableRandom rnd) {
        int n = x.rows();
        int d = x.cols();
        int per = Parallel.REDUCTION_CHUNK;
        int chunks = Parallel.reductionChunks(n);
        FloatMatrix c = new FloatMatrix(k, d);
        TreeSet<Integer> chosen = new TreeSet<>();
        JavaPairRDD<Integer, Rows> state = x.chunks().mapValues(a -> {
            double[] m = new double[a.length / d];
            Arrays.fill(m, Double.POSITIVE_INFINITY);
            return new Rows(a, m, null, 0);
        });
        float[] centre = null;
        int first = rnd.nextInt(n);
        try {
            for (int j = 0; j < k; j++) {
                int pick;
                if (j == 0) {
                    pick = first;
                    centre = row(x, pick);
                } else {
                    float[] prev = centre;
                    JavaPairRDD<Integer, Rows> next =
                            state.mapValues(s -> closer(s, prev, d)).persist(StorageLevel.MEMORY_AND_DISK());
                    if (j % CHECKPOINT_EVERY == 0) {
                        checkpoint(next);
                    }
                    double[] totals = inChunkOrder(
                            next.mapValues(s -> KMeans.chunkSum(s.minD(), 0, s.minD().length))
                                    .collectAsMap(),
                            chunks);
                    state.unpersist(false);
                    state = next;
                    double total = KMeans.total(totals);
                    if (total > 0) {
                        double u = rnd.nextDouble() * total;
                        int ch = KMeans.drawChunk(totals, u);
                        Rows rows = next.lookup(ch).get(0);
                        int i = KMeans.drawInChunk(rows.minD(), KMeans.prefixBefore(totals, ch), u);
                        pick = ch * per + i;
                        centre = Arrays.copyOfRange(rows.x(), i * d, (i + 1) * d);
                    } else {
                        pick = unchosen(chosen, rnd.nextInt(n - j));
                        centre = row(x, pick);
                    }
                }
                chosen.add(pick);
                c.setRow(j, centre, 0);
            }
        } finally {
            state.unpersist(false);
        }
        return c;
    }

    /** The chunk's distances lowered to {@code centre} where it is nearer, as one machine updates them. */
    private static Rows closer(Rows s, float[] centre, int d) {
        double[] m = s.minD().clone();
        KMeans.lowerDistances(s.x(), 0, m.length, d, centre, 0, m);
        return new Rows(s.x(), m, null, 0);
    }

    /** {@link KMeans#unchosen} over a sorted set of chosen rows. */
    static int unchosen(TreeSet<Integer> chosen, int t) {
        int i = t;
        for (int p : chosen) {
            if (p <= i) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static Fit lloyd(JavaSparkContext jsc, SparkTallMatrix x, FloatMatrix init, int maxIter, double tol) {
        int d = x.cols();
        int k = init.rows();
        int chunks = Parallel.reductionChunks(x.rows());
        FloatMatrix c = init;
        JavaPairRDD<Integer, Rows> state = null;
        int it = 0;
        try {
            while (it < maxIter) {
                it++;
                Broadcast<float[]> bc = jsc.broadcast(c.data());
                JavaPairRDD<Integer, Rows> prev = state;
                JavaPairRDD<Integer, Rows> next = (prev == null
                                ? x.chunks().mapValues(a -> new Rows(a, null, null, 0))
                                : prev)
                        .mapValues(s -> assigned(s, bc.value(), k, d))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                if (it % CHECKPOINT_EVERY == 0) {
                    checkpoint(next);
                }
                long changedRows = next.values().map(Rows::changed).fold(0, Integer::sum);
                boolean changed = prev == null || changedRows > 0;
                if (prev != null) {
                    prev.unpersist(false);
                }
                state = next;
                FloatMatrix nc = update(x, next, c, k, d);
                bc.unpersist(false);
                double shift = KMeans.shift(nc, c);
                c = nc;
                if (!changed || shift <= tol) {
                    break;
                }
            }
        } finally {
            if (state != null) {
                state.unpersist(false);
            }
        }
        // the final assignment to the final centroids, its sizes and inertia (chunk sums in order)
        Broadcast<float[]> bc = jsc.broadcast(c.data());
        JavaPairRDD<Integer, int[]> a = x.chunks()
                .mapValues(v ->
                        assigned(new Rows(v, null, null, 0), bc.value(), k, d).cluster())
                .persist(StorageLevel.MEMORY_AND_DISK());
        float[] cd = c.data();
        Map<Integer, Tuple2<Double, long[]>> parts = x.chunks()
                .join(a)
                .mapValues(p -> {
                    float[] v = p._1();
                    int[] cl = p._2();
                    long[] sizes = new long[k];
                    for (int cluster : cl) {
                        sizes[cluster]++;
                    }
                    return new Tuple2<>(KMeans.inertia(v, cl, 0, cl.length, d, cd), sizes);
                })
                .collectAsMap();
        double inertia = 0;
        long[] sizes = new long[k];
        for (int ch = 0; ch < chunks; ch++) {
            Tuple2<Double, long[]> p = parts.get(ch);
            if (p == null) {
                throw new IllegalStateException("chunk " + ch + " of the rows is missing");
            }
            inertia += p._1();
            for (int j = 0; j < k; j++) {
                sizes[j] += p._2()[j];
            }
        }
        bc.unpersist(false);
        return new Fit(c, a, sizes, inertia, it);
    }

    /** The chunk's rows assigned to their nearest centroid ({@link KMeans#assign}); changed rows counted. */
    private static Rows assigned(Rows s, float[] centroids, int k, int d) {
        float[] a = s.x();
        FloatMatrix chunk = new FloatMatrix(a.length / d, d, a);
        int[] na = KMeans.assign(chunk, chunk.rowSquaredNorms(), new FloatMatrix(k, d, centroids), null);
        int changed = 0;
        if (s.cluster() != null) {
            for (int i = 0; i < na.length; i++) {
                if (na[i] != s.cluster()[i]) {
                    changed++;
                }
            }
        }
        return new Rows(a, null, na, changed);
    }

    /**
     * New centroids = cluster means: each chunk's per-cluster sums (rows in order) added cluster by
     * cluster in chunk order — one machine's totals, which add every chunk's (possibly zero) sums in
     * order; empty clusters re-seeded by the rows farthest from their old centroid (ties: lower row).
     */
    private static FloatMatrix update(
            SparkTallMatrix x, JavaPairRDD<Integer, Rows> rows, FloatMatrix old, int k, int d) {
        int per = Parallel.REDUCTION_CHUNK;
        Map<Integer, Tuple2<double[], Long>> sums = rows.flatMapToPair(t -> {
                    Rows s = t._2();
                    TreeMap<Integer, double[]> part = new TreeMap<>();
                    TreeMap<Integer, Long> count = new TreeMap<>();
                    for (int i = 0; i < s.cluster().length; i++) {
                        double[] acc = part.computeIfAbsent(s.cluster()[i], q -> new double[d]);
                        count.merge(s.cluster()[i], 1L, Long::sum);
                        int xo = i * d;
                        for (int j = 0; j < d; j++) {
                            acc[j] += s.x()[xo + j];
                        }
                    }
                    List<Tuple2<Integer, Tuple2<Integer, Tuple2<double[], Long>>>> out = new ArrayList<>();
                    for (Map.Entry<Integer, double[]> e : part.entrySet()) {
                        out.add(new Tuple2<>(
                                e.getKey(), new Tuple2<>(t._1(), new Tuple2<>(e.getValue(), count.get(e.getKey())))));
                    }
                    return out.iterator();
                })
                .groupByKey()
                .mapValues(it -> {
                    List<Tuple2<Integer, Tuple2<double[], Long>>> l = new ArrayList<>();
                    it.forEach(l::add);
                    l.sort((p, q) -> Integer.compare(p._1(), q._1()));
                    double[] total = new double[d];
                    long cnt = 0;
                    for (Tuple2<Integer, Tuple2<double[], Long>> p : l) {
                        for (int j = 0; j < d; j++) {
                            total[j] += p._2()._1()[j];
                        }
                        cnt += p._2()._2();
                    }
                    return new Tuple2<>(total, cnt);
                })
                .collectAsMap();
        FloatMatrix c = new FloatMatrix(k, d);
        int empty = 0;
        for (int j = 0; j < k; j++) {
            Tuple2<double[], Long> s = sums.get(j);
            if (s == null) {
                empty++;
                continue;
            }
            for (int t = 0; t < d; t++) {
                c.data()[j * d + t] = (float) (s._1()[t] / s._2());
            }
        }
        if (empty > 0) {
            int e = empty;
            float[] od = old.data();
            List<Tuple2<Double, Long>> far = rows.flatMap(t -> {
                        Rows s = t._2();
                        List<Tuple2<Double, Long>> out = new ArrayList<>();
                        long firstRow = (long) t._1() * per;
                        for (int i = 0; i < s.cluster().length; i++) {
                            out.add(new Tuple2<>(
                                    Kernels.squaredDistance(s.x(), i * d, od, s.cluster()[i] * d, d), firstRow + i));
                        }
                        return out.iterator();
                    })
                    .takeOrdered(e, new Farthest());
            Iterator<Tuple2<Double, Long>> next = far.iterator();
            for (int j = 0; j < k; j++) {
                if (!sums.containsKey(j) && next.hasNext()) {
                    long r = next.next()._2();
                    c.setRow(j, row(x, (int) r), 0);
                }
            }
        }
        return c;
    }

    /** Farther first, then the lower row: one machine's order for re-seeding empty clusters. */
    static final class Farthest implements java.util.Comparator<Tuple2<Double, Long>>, Serializable {
        @Override
        public int compare(Tuple2<Double, Long> a, Tuple2<Double, Long> b) {
            int c = Double.compare(b._1(), a._1());
            return c != 0 ? c : Long.compare(a._2(), b._2());
        }
    }

    /**
     * For each cluster, the member row nearest its centroid (ties: the lower row), {@code -1} for an
     * empty cluster — {@link KMeans#nearestMembers}.
     */
    static long[] nearestMembers(SparkTallMatrix x, Fit fit) {
        int d = x.cols();
        int k = fit.centroids().rows();
        int per = Parallel.REDUCTION_CHUNK;
        float[] cd = fit.centroids().data();
        Map<Integer, Tuple2<Double, Long>> best = x.chunks()
                .join(fit.assignment())
                .flatMapToPair(t -> {
                    float[] v = t._2()._1();
                    int[] cl = t._2()._2();
                    long firstRow = (long) t._1() * per;
                    TreeMap<Integer, Tuple2<Double, Long>> near = new TreeMap<>();
                    for (int i = 0; i < cl.length; i++) {
                        double dist = Kernels.squaredDistance(v, i * d, cd, cl[i] * d, d);
                        Tuple2<Double, Long> b = near.get(cl[i]);
                        if (b == null || dist < b._1()) {
                            near.put(cl[i], new Tuple2<>(dist, firstRow + i));
                        }
                    }
                    List<Tuple2<Integer, Tuple2<Double, Long>>> out = new ArrayList<>();
                    near.forEach((j, b) -> out.add(new Tuple2<>(j, b)));
                    return out.iterator();
                })
                .reduceByKey((a, b) -> {
                    int c = Double.compare(a._1(), b._1());
                    return c < 0 || (c == 0 && a._2() < b._2()) ? a : b;
                })
                .collectAsMap();
        long[] reps = new long[k];
        for (int j = 0; j < k; j++) {
            Tuple2<Double, Long> b = best.get(j);
            reps[j] = b == null ? -1 : b._2();
        }
        return reps;
    }

    /** {@link KMeans#meanVariance}: column sums, then squared deviations, chunk by chunk in order. */
    static double meanVariance(SparkTallMatrix x) {
        int d = x.cols();
        long n = x.rows();
        int chunks = Parallel.reductionChunks(x.rows());
        double[][] colSums = new double[chunks][];
        x.chunks()
                .mapValues(a -> KMeans.columnSums(a, d, 0, a.length / d))
                .collectAsMap()
                .forEach((ch, s) -> colSums[ch] = s);
        double[] mean = KMeans.means(Arrays.asList(colSums), n, d);
        double[] sq = inChunkOrder(
                x.chunks()
                        .mapValues(a -> KMeans.squaredDeviations(a, d, 0, a.length / d, mean))
                        .collectAsMap(),
                chunks);
        return KMeans.total(sq) / ((double) n * d);
    }

    /** Row {@code r}'s vector, from the chunk that holds it. */
    static float[] row(SparkTallMatrix x, int r) {
        int d = x.cols();
        int per = Parallel.REDUCTION_CHUNK;
        float[] a = x.chunks().lookup(r / per).get(0);
        int i = r % per;
        return Arrays.copyOfRange(a, i * d, (i + 1) * d);
    }

    private static double[] inChunkOrder(Map<Integer, Double> byChunk, int chunks) {
        double[] out = new double[chunks];
        for (int ch = 0; ch < chunks; ch++) {
            Double v = byChunk.get(ch);
            if (v == null) {
                throw new IllegalStateException("chunk " + ch + " of the rows is missing");
            }
            out[ch] = v;
        }
        return out;
    }

    /** Cuts a long chain of per-step data sets: to the checkpoint folder when one is set, else locally. */
    private static void checkpoint(JavaPairRDD<Integer, Rows> rdd) {
        if (rdd.context().getCheckpointDir().isDefined()) {
            rdd.checkpoint();
        } else {
            rdd.rdd().localCheckpoint();
        }
    }

    /**
     * {@code score: clustering_sensitivity} ({@link ai.curator.select.algo.ClusteringSensitivity}):
     * k-means, the loss of the member nearest each centre (asked in cluster order, as one machine
     * asks), σ = ℓ(rep(x)) + λ‖x − c(x)‖² + smoothing per row on the executors.
     *
     * @param record receives {inertia, iterations, oracle calls}
     */
    static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> sensitivity(
            org.apache.spark.sql.SparkSession spark,
            SparkTallMatrix x,
            ai.curator.select.algo.ClusteringSensitivity.Options o,
            SparkLowRank.LandmarkLosses losses,
            SplittableRandom rnd,
            String column,
            List<double[]> record) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Fit fit = fit(jsc, x, o.kmeans(), rnd);
        long[] reps = nearestMembers(x, fit);
        long[] ask = Arrays.stream(reps).filter(r -> r >= 0).toArray();
        long[] sorted = ask.clone();
        Arrays.sort(sorted);
        int[] order = new int[ask.length];
        for (int j = 0; j < ask.length; j++) {
            order[j] = Arrays.binarySearch(sorted, ask[j]);
        }
        FloatMatrix xr = SparkLowRank.rowsOf(x, jsc.broadcast(sorted));
        double[] got = losses.of(sorted, xr, order, rnd);
        int k = reps.length;
        double[] repLoss = new double[k];
        int t = 0;
        for (int j = 0; j < k; j++) {
            repLoss[j] = reps[j] >= 0 ? got[t++] : Double.NaN;
        }
        record.add(new double[] {fit.inertia(), fit.iterations(), ask.length});
        int d = x.cols();
        int per = Parallel.REDUCTION_CHUNK;
        float[] cd = fit.centroids().data();
        double lambda = o.lambda();
        double smoothing = o.smoothing();
        org.apache.spark.api.java.JavaRDD<org.apache.spark.sql.Row> rows = x.chunks()
                .join(fit.assignment())
                .flatMap(p -> {
                    double[] sigma = ai.curator.select.algo.ClusteringSensitivity.sigma(
                            p._2()._1(), p._2()._2(), d, cd, repLoss, lambda, smoothing);
                    return SparkLowRank.sigmaRows((long) p._1() * per, sigma);
                });
        return SparkLowRank.frame(spark, rows, column);
    }

    /**
     * {@code select: k_means} ({@link ai.curator.select.algo.CentroidNearestSelection}): the member
     * nearest each centroid, one copy, weighted by its cluster's size; empty clusters give no row.
     *
     * @return (row, count, weight) rows, and in {@code record} {inertia, iterations, rows}
     */
    static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> select(
            org.apache.spark.sql.SparkSession spark,
            SparkTallMatrix x,
            KMeans.Options o,
            SplittableRandom rnd,
            List<double[]> record) {
        Fit fit = fit(JavaSparkContext.fromSparkContext(spark.sparkContext()), x, o, rnd);
        long[] reps = nearestMembers(x, fit);
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int j = 0; j < reps.length; j++) {
            if (reps[j] >= 0) {
                rows.add(org.apache.spark.sql.RowFactory.create(reps[j], 1L, (double) fit.sizes()[j]));
            }
        }
        rows.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
        fit.assignment().unpersist(false);
        record.add(new double[] {fit.inertia(), fit.iterations(), rows.size()});
        return spark.createDataFrame(rows, SparkSelect.SCHEMA);
    }
}
