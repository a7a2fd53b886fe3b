package ai.curator.spark;

import ai.curator.api.RecipeException;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.RandomizedSvd;
import ai.curator.select.algo.LowRankSensitivity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
        if (k >= x.cols() || k >= x.rows()) {
            throw new RecipeException(
                    "low_rank_sensitivity.rank must be < min(N, d) = " + Math.min(x.rows(), x.cols()) + ", got " + k);
        }
        RandomizedSvd.Factors f;
        try {
            f = RandomizedSvd.factors(x, o.svd(), rnd);
        } catch (UnsupportedOperationException e) {
            throw new RecipeException("low_rank_sensitivity: " + e.getMessage(), e);
        }
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
            List<Row> out = new ArrayList<>(sigma.length);
            long first = (long) t._1() * per;
            for (int i = 0; i < sigma.length; i++) {
                out.add(RowFactory.create(first + i, sigma[i]));
            }
            return out.iterator();
        });
        StructType schema =
                new StructType().add(SparkLoad.ROW, DataTypes.LongType, false).add(column, DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema);
    }
}
