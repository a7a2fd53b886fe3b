package ai.curator.spark;

import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Parallel;
import ai.curator.linalg.TallMatrix;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A tall matrix spread over a cluster as chunks of {@link Parallel#REDUCTION_CHUNK} consecutive rows
 * (chunk id → the chunk's rows, row-major floats). Products run chunk by chunk with the core's
 * kernels; {@code Aᵀ·Y} sums each chunk on its executor and the chunks in order on the driver —
 * the bits {@link FloatMatrix} gives on one machine.
 */
final class SparkTallMatrix implements TallMatrix {
    private final JavaPairRDD<Integer, float[]> chunks;
    private final int rows;
    private final int cols;

    SparkTallMatrix(JavaPairRDD<Integer, float[]> chunks, int rows, int cols) {
        this.chunks = chunks;
        this.rows = rows;
        this.cols = cols;
    }

    JavaPairRDD<Integer, float[]> chunks() {
        return chunks;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public SparkTallMatrix times(FloatMatrix w) {
        float[] wd = w.data();
        int wr = w.rows();
        int wc = w.cols();
        int c = cols;
        JavaPairRDD<Integer, float[]> out = chunks.mapValues(a -> new FloatMatrix(a.length / c, c, a)
                        .multiply(new FloatMatrix(wr, wc, wd))
                        .data())
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new SparkTallMatrix(out, rows, wc);
    }

    @Override
    public double[] transposeTimes(TallMatrix y) {
        if (!(y instanceof SparkTallMatrix s)) {
            throw new IllegalArgumentException("transposeTimes: a SparkTallMatrix pairs with another, got " + y);
        }
        int c = cols;
        int l = s.cols;
        JavaPairRDD<Integer, double[]> partials = chunks.join(s.chunks)
                .mapValues(p -> new FloatMatrix(p._1().length / c, c, p._1())
                        .transposeMultiply(new FloatMatrix(p._2().length / l, l, p._2())))
                .sortByKey();
        double[] out = new double[c * l];
        Iterator<Tuple2<Integer, double[]>> it = partials.toLocalIterator();
        int expected = 0;
        while (it.hasNext()) {
            Tuple2<Integer, double[]> t = it.next();
            if (t._1() != expected) {
                throw new IllegalStateException("chunk " + expected + " of the rows is missing");
            }
            expected++;
            double[] p = t._2();
            for (int k = 0; k < out.length; k++) {
                out[k] += p[k];
            }
        }
        return out;
    }

    @Override
    public TallMatrix withRandomColumns(int l, SplittableRandom rnd) {
        throw new UnsupportedOperationException("the embeddings have rank below the SVD's k + oversampling, which only"
                + " one machine completes with random directions; lower rank or oversampling, or run without --engine");
    }
}
