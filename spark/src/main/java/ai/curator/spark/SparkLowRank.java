package ai.curator.spark;

import ai.curator.api.RecipeException;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.model.KernelRidgeRegression;
import ai.curator.select.algo.KeyedSampling;
import ai.curator.select.algo.LowRankSensitivity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * {@code score: low_rank_sensitivity} on Spark, basis mode with closed-form basis losses (ℓ = ‖x‖²,
 * paper 003 §4.1): the randomized SVD in passes over the row chunks ({@link RandomizedSvd#factors}
 * on a {@link SparkTallMatrix}: sketches and Gram matrices summed chunk by chunk, the small
 * factorisations on the driver), then σ row by row on the executors with {@link
 * LowRankSensitivity}'s own functions — the bits one machine computes.
 */
final class SparkLowRank {
    private SparkLowRank() {}

    /**
     * σ per row as a data set of (row, σ).
     *
     * @param basisLosses ℓ(v_i), length k (the loss source's closed form)
     * @param rnd the stage's stream (the SVD's test matrix), as on one machine
     * @param record receives the singular values and ξ
     */
    static Dataset<Row> basis(
            SparkSession spark,
            SparkTallMatrix x,
            LowRankSensitivity.Options o,
            double[] basisLosses,
            SplittableRandom rnd,
            String column,
            List<double[]> record) {
        int k = o.rank();
        checkRank(x, k);
        RandomizedSvd.Factors f = svd(x, o, rnd);
        double xi = Double.isNaN(o.xi()) ? Arrays.stream(basisLosses).max().orElse(0) : o.xi();
        record.add(f.singularValues());
        record.add(new double[] {xi});
        float[] v = f.v().data();
        int d = x.cols();
        int per = ai.curator.linalg.Parallel.REDUCTION_CHUNK;
        double[] bl = basisLosses.clone();
        double gamma = o.gamma();
        double lambda = o.lambda();
        double smoothing = o.smoothing();
        JavaRDD<Row> rows = x.chunks().flatMap(t -> {
            float[] a = t._2();
            FloatMatrix chunk = new FloatMatrix(a.length / d, d, a);
            FloatMatrix alpha = chunk.multiply(new FloatMatrix(d, k, v));
            double[] resid = LowRankSensitivity.residualSq(alpha, chunk.rowSquaredNorms());
            double[] sigma = LowRankSensitivity.sigma(
                    LowRankSensitivity.basisLoss(alpha, bl), resid, gamma, lambda, smoothing, k, xi);
            return sigmaRows((long) t._1() * per, sigma);
        });
        return frame(spark, rows, column);
    }

    /**
     * Landmark mode (paper 003 §4.2) as one machine runs it, in the same order of random draws: the
     * SVD; leverage per row on the executors; the m landmarks with the largest Efraimidis–Spirakis
     * keys ({@link KeyedSampling#weightedKey}, leverage + 1e-9); their losses from {@code losses}
     * (ℓ = ‖x‖², a data column, or a model on the driver); kernel ridge fitted on the driver on the landmark rows; its predictions, clipped at 0,
     * on the executors, landmarks keeping their true loss.
     *
     * @param losses the landmark rows' losses
     * @param record receives the singular values, ξ, the landmark count and the kernel ridge's bandwidth
     */
    static Dataset<Row> landmarks(
            SparkSession spark,
            SparkTallMatrix x,
            LowRankSensitivity.Options o,
            LandmarkLosses losses,
            SplittableRandom rnd,
            String column,
            List<double[]> record) {
        int k = o.rank();
        long n = x.rows();
        checkRank(x, k);
        RandomizedSvd.Factors f = svd(x, o, rnd);
        SparkTallMatrix u = (SparkTallMatrix) f.u();
        long key = rnd.nextLong();
        int m = (int) Math.max(2, Math.min(n, Math.round(o.landmarkFraction() * n)));
        int per = ai.curator.linalg.Parallel.REDUCTION_CHUNK;
        int kk = k;
        List<Tuple2<Long, Double>> top = u.chunks()
                .flatMap(t -> {
                    float[] a = t._2();
                    double[] lev = new FloatMatrix(a.length / kk, kk, a).rowSquaredNorms();
                    List<Tuple2<Long, Double>> out = new ArrayList<>(lev.length);
                    long first = (long) t._1() * per;
                    for (int i = 0; i < lev.length; i++) {
                        double w = Math.max(0.0, lev[i]) + 1e-9;
                        out.add(new Tuple2<>(first + i, KeyedSampling.weightedKey(w, key, first + i)));
                    }
                    return out.iterator();
                })
                .takeOrdered(m, new LargestKey());
        long[] rows = top.stream().mapToLong(Tuple2::_1).sorted().toArray();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<long[]> landmarkRows = jsc.broadcast(rows);
        int d = x.cols();
        FloatMatrix xl = rowsOf(x, landmarkRows);
        double[] landmarkLoss = losses.of(rows, xl, identity(rows.length), rnd);
        KernelRidgeRegression.Model model = KernelRidgeRegression.fit(xl, landmarkLoss, o.krr(), rnd);
        double xi = Double.isNaN(o.xi()) ? Arrays.stream(landmarkLoss).max().orElse(0) : o.xi();
        record.add(f.singularValues());
        record.add(new double[] {xi, rows.length, model.bandwidth(), model.lambda()});
        Broadcast<KernelRidgeRegression.Model> krr = jsc.broadcast(model);
        Broadcast<double[]> landmarkLosses = jsc.broadcast(landmarkLoss);
        float[] v = f.v().data();
        double gamma = o.gamma();
        double lambda = o.lambda();
        double smoothing = o.smoothing();
        JavaRDD<Row> out = x.chunks().flatMap(t -> {
            float[] a = t._2();
            FloatMatrix chunk = new FloatMatrix(a.length / d, d, a);
            FloatMatrix alpha = chunk.multiply(new FloatMatrix(d, kk, v));
            double[] resid = LowRankSensitivity.residualSq(alpha, chunk.rowSquaredNorms());
            double[] lhat = krr.value().predict(chunk);
            long first = (long) t._1() * per;
            long[] lr = landmarkRows.value();
            for (int i = 0; i < lhat.length; i++) {
                lhat[i] = Math.max(0.0, lhat[i]);
                int j = Arrays.binarySearch(lr, first + i);
                if (j >= 0) {
                    lhat[i] = landmarkLosses.value()[j];
                }
            }
            double[] sigma = LowRankSensitivity.sigma(lhat, resid, gamma, lambda, smoothing, kk, xi);
            return sigmaRows(first, sigma);
        });
        return frame(spark, out, column);
    }

    /** The losses of the landmark rows, asked once, on the driver. */
    @FunctionalInterface
    interface LandmarkLosses {
        /**
         * @param rows the landmarks' row positions, ascending
         * @param xl their embeddings, one row each
         * @param order the order to ask in (indices into {@code rows}; one machine's order)
         * @param rnd the stage's random stream, as one machine gives its loss oracle
         * @return the losses of {@code rows[order[0]], rows[order[1]], …}
         */
        double[] of(long[] rows, FloatMatrix xl, int[] order, SplittableRandom rnd);
    }

    /** ℓ = ‖x‖². */
    static LandmarkLosses squaredNorm() {
        return (rows, xl, order, rnd) -> inOrder(xl.rowSquaredNorms(), order);
    }

    /** {@code v[order[0]], v[order[1]], …}. */
    static double[] inOrder(double[] v, int[] order) {
        double[] out = new double[order.length];
        for (int j = 0; j < order.length; j++) {
            out[j] = v[order[j]];
        }
        return out;
    }

    /** 0, 1, …, m − 1. */
    static int[] identity(int m) {
        int[] o = new int[m];
        for (int i = 0; i < m; i++) {
            o[i] = i;
        }
        return o;
    }

    /** A data column's values (checked finite and non-negative on every row first). */
    static LandmarkLosses column(SparkSession spark, Dataset<Row> data, String lossColumn) {
        SparkSelect.checkScores(data, lossColumn, "loss column '" + lossColumn + "'");
        return (rows, xl, order, rnd) -> {
            List<Row> l = SparkLoad.collectRows(
                    spark, data, rows, functions.col(SparkLoad.ROW), functions.col("`" + lossColumn + "`"));
            double[] out = new double[rows.length];
            for (int j = 0; j < rows.length; j++) {
                out[j] = ((Number) l.get(j).get(1)).doubleValue();
            }
            return inOrder(out, order);
        };
    }

    private static void checkRank(SparkTallMatrix x, int k) {
        if (k >= x.cols() || k >= x.rows()) {
            throw new RecipeException(
                    "low_rank_sensitivity.rank must be < min(N, d) = " + Math.min(x.rows(), x.cols()) + ", got " + k);
        }
    }

    /** The randomized SVD over the chunks; a basis only one machine can complete is a recipe error. */
    private static RandomizedSvd.Factors svd(SparkTallMatrix x, LowRankSensitivity.Options o, SplittableRandom rnd) {
        try {
            return RandomizedSvd.factors(x, o.svd(), rnd);
        } catch (UnsupportedOperationException e) {
            throw new RecipeException("low_rank_sensitivity: " + e.getMessage(), e);
        }
    }

    /** The vectors of the rows at the sorted positions {@code rows}, in that order, collected to the driver. */
    static FloatMatrix rowsOf(SparkTallMatrix x, Broadcast<long[]> rows) {
        int per = ai.curator.linalg.Parallel.REDUCTION_CHUNK;
        int d = x.cols();
        List<Tuple2<Long, float[]>> picked = new ArrayList<>(x.chunks()
                .flatMap(t -> {
                    long[] lr = rows.value();
                    float[] a = t._2();
                    long first = (long) t._1() * per;
                    List<Tuple2<Long, float[]>> out = new ArrayList<>();
                    for (int i = 0; i < a.length / d; i++) {
                        if (Arrays.binarySearch(lr, first + i) >= 0) {
                            out.add(new Tuple2<>(first + i, Arrays.copyOfRange(a, i * d, (i + 1) * d)));
                        }
                    }
                    return out.iterator();
                })
                .collect());
        picked.sort((p, q) -> Long.compare(p._1(), q._1()));
        long[] want = rows.value();
        if (picked.size() != want.length) {
            throw new IllegalStateException("collected " + picked.size() + " of " + want.length + " rows");
        }
        FloatMatrix xl = new FloatMatrix(want.length, d);
        for (int j = 0; j < want.length; j++) {
            xl.setRow(j, picked.get(j)._2(), 0);
        }
        return xl;
    }

    /** (row, σ) for a chunk's rows, the first at position {@code first}. */
    static java.util.Iterator<Row> sigmaRows(long first, double[] sigma) {
        List<Row> out = new ArrayList<>(sigma.length);
        for (int i = 0; i < sigma.length; i++) {
            out.add(RowFactory.create(first + i, sigma[i]));
        }
        return out.iterator();
    }

    /** The (row, σ) rows as a data set with the score column's name. */
    static Dataset<Row> frame(SparkSession spark, JavaRDD<Row> rows, String column) {
        StructType schema =
                new StructType().add(SparkLoad.ROW, DataTypes.LongType, false).add(column, DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema);
    }

    /** Larger key first, then the lower row: the order of one machine's landmark draw. */
    static final class LargestKey implements java.util.Comparator<Tuple2<Long, Double>>, java.io.Serializable {
        @Override
        public int compare(Tuple2<Long, Double> a, Tuple2<Long, Double> b) {
            int c = Double.compare(b._2(), a._2());
            return c != 0 ? c : Long.compare(a._1(), b._1());
        }
    }
}
