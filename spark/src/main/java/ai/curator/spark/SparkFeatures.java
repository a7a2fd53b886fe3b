package ai.curator.spark;

import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.linalg.Parallel;
import ai.curator.tabular.FeatureEmbedder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code embed: features} on Spark: the numeric feature columns as embeddings, z-scored by default,
 * in chunks of {@link Parallel#REDUCTION_CHUNK} rows with {@link FeatureEmbedder}'s chunk functions,
 * so the floats are those one machine computes.
 */
final class SparkFeatures {
    private SparkFeatures() {}

    /** The default features: every numeric column but the id and the label, or {@code dataset.features}. */
    static List<String> columns(SparkLoad.Loaded data, List<String> named, List<String> datasetFeatures, String label) {
        List<String> cols = named != null ? named : datasetFeatures;
        Map<String, DataType> types = new java.util.HashMap<>();
        for (var f : data.data().schema().fields()) {
            types.put(f.name(), f.dataType());
        }
        if (cols == null) {
            cols = new ArrayList<>();
            for (String c : data.columns()) {
                if (!c.equals(data.idColumn()) && !c.equals(label) && types.get(c) instanceof NumericType) {
                    cols.add(c);
                }
            }
            if (cols.isEmpty()) {
                throw new RecipeException(
                        "embed: features found no numeric feature columns in the data; list them in dataset.features");
            }
        }
        for (String c : cols) {
            if (!types.containsKey(c)) {
                throw new RecipeException(
                        "feature column '" + c + "' is not in the data; columns are " + data.columns());
            }
            if (!(types.get(c) instanceof NumericType)) {
                throw new RecipeException(
                        "Feature column '" + c + "' is " + types.get(c).simpleString() + ", not numeric");
            }
        }
        return cols;
    }

    /** The embeddings, chunk by chunk. */
    static SparkTallMatrix embed(Dataset<Row> data, long n, List<String> cols, boolean standardize) {
        int per = Parallel.REDUCTION_CHUNK;
        int d = cols.size();
        List<org.apache.spark.sql.Column> sel = new ArrayList<>();
        sel.add(functions.col(SparkLoad.ROW));
        for (String c : cols) {
            sel.add(functions.col("`" + c + "`").cast("double"));
        }
        List<String> names = List.copyOf(cols);
        JavaRDD<Row> rows =
                data.select(sel.toArray(new org.apache.spark.sql.Column[0])).javaRDD();
        if (!standardize) {
            // each value (float) of its double, as one machine's FeatureEmbedder.toFloats: rows move as
            // floats, half the shuffle and no double chunks kept (10^7 x 384 rows: 15 GB instead of 2 x 31 GB)
            JavaPairRDD<Integer, float[]> x = chunks(
                            rows.mapToPair(r -> {
                                double[] v = values(r, names);
                                float[] f = new float[d];
                                for (int j = 0; j < d; j++) {
                                    f[j] = (float) v[j];
                                }
                                return new Tuple2<>((int) (r.getLong(0) / per), new Tuple2<>(r.getLong(0), f));
                            }),
                            d,
                            float.class)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                x.count();
            } catch (Exception e) {
                throw unwrap(e);
            }
            return new SparkTallMatrix(x, (int) n, d);
        }
        // z-scored: the double chunks are read three times (means, deviations, floats), so kept
        JavaPairRDD<Integer, double[]> raw = SparkFeatures.<double[]>chunks(
                        rows.mapToPair(r ->
                                new Tuple2<>((int) (r.getLong(0) / per), new Tuple2<>(r.getLong(0), values(r, names)))),
                        d,
                        double.class)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            double[] mean = FeatureEmbedder.means(ordered(raw.mapValues(c -> FeatureEmbedder.columnSums(c, d)), d), n);
            double[] sd = FeatureEmbedder.standardDeviations(
                    ordered(raw.mapValues(c -> FeatureEmbedder.centredSquares(c, d, mean)), d), n);
            JavaPairRDD<Integer, float[]> x = raw.mapValues(c -> FeatureEmbedder.toFloats(c, d, mean, sd, true))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            x.count();
            return new SparkTallMatrix(x, (int) n, d);
        } catch (Exception e) {
            throw unwrap(e);
        } finally {
            raw.unpersist(false);
        }
    }

    /** A row's features (row position first, then the feature columns as doubles), each checked finite. */
    private static double[] values(Row r, List<String> names) {
        double[] v = new double[names.size()];
        for (int j = 0; j < v.length; j++) {
            if (r.isNullAt(j + 1) || !Double.isFinite(r.getDouble(j + 1))) {
                throw new DataException("Feature '" + names.get(j) + "' is "
                        + (r.isNullAt(j + 1) ? "missing" : Double.toString(r.getDouble(j + 1))) + " in row "
                        + r.getLong(0) + "; features must be finite");
            }
            v[j] = r.getDouble(j + 1);
        }
        return v;
    }

    /**
     * Rows (chunk id → (row, values)) gathered into row-major chunks in row order, each chunk an array
     * of {@code type} ({@code float.class} or {@code double.class}); not kept: the caller persists.
     */
    @SuppressWarnings("unchecked")
    static <A> JavaPairRDD<Integer, A> chunks(JavaPairRDD<Integer, Tuple2<Long, A>> rows, int d, Class<?> type) {
        return rows.groupByKey().mapValues(it -> {
            List<Tuple2<Long, A>> l = new ArrayList<>();
            it.forEach(l::add);
            l.sort((a, b) -> Long.compare(a._1(), b._1()));
            A chunk = (A) java.lang.reflect.Array.newInstance(type, l.size() * d);
            for (int i = 0; i < l.size(); i++) {
                System.arraycopy(l.get(i)._2(), 0, chunk, i * d, d);
            }
            return chunk;
        });
    }

    /**
     * {@code embed: column}: a column of equally long lists of numbers as the embeddings, each number
     * {@code (float)} of its double value, as {@link ai.curator.tabular.VectorColumnEmbedder} on one machine.
     *
     * @throws DataException naming the row (position and id) whose value is missing, not a list of
     *     finite numbers, or of another length than the first row's
     */
    static SparkTallMatrix vectors(SparkLoad.Loaded loaded, Dataset<Row> data, long n, String column) {
        if (!loaded.columns().contains(column)) {
            throw new RecipeException(
                    "embed: column: column '" + column + "' is not in the data; columns are " + loaded.columns());
        }
        DataType t = data.schema().apply(column).dataType();
        if (!(t instanceof org.apache.spark.sql.types.ArrayType a && a.elementType() instanceof NumericType)) {
            throw new DataException(
                    "embed: column: column '" + column + "' is " + t.simpleString() + ", not a list of numbers");
        }
        String idCol = loaded.idColumn();
        org.apache.spark.sql.Column id = idCol == null
                ? functions.col(SparkLoad.ROW).cast("string")
                : functions.col("`" + idCol + "`").cast("string");
        Dataset<Row> v = data.select(functions.col(SparkLoad.ROW), functions.col("`" + column + "`"), id);
        List<Row> first = v.filter(functions.col(SparkLoad.ROW).equalTo(0L)).collectAsList();
        int d = first.isEmpty() || first.get(0).isNullAt(1)
                ? 0
                : first.get(0).getList(1).size();
        int per = Parallel.REDUCTION_CHUNK;
        try {
            JavaPairRDD<Integer, float[]> x = chunks(
                            v.javaRDD().mapToPair(r -> {
                                long row = r.getLong(0);
                                String where = "column '" + column + "', row " + row + " (id " + r.getString(2) + ")";
                                if (r.isNullAt(1)) {
                                    throw new DataException(
                                            where + ": no vector; embed: column needs a list of numbers in every row");
                                }
                                List<Object> l = r.getList(1);
                                if (d == 0 || l.size() != d) {
                                    throw new DataException(where + ": a vector of " + l.size() + " numbers; "
                                            + (d == 0 ? "the first row has none" : "the first row's has " + d));
                                }
                                float[] f = new float[d];
                                for (int j = 0; j < d; j++) {
                                    Object o = l.get(j);
                                    double e = o == null ? Double.NaN : ((Number) o).doubleValue();
                                    if (!Double.isFinite(e) || Math.abs(e) > Float.MAX_VALUE) {
                                        throw new DataException(where + ": element " + j + " is " + e
                                                + "; vectors must be finite floats");
                                    }
                                    f[j] = (float) e; // as one machine's VectorColumnEmbedder
                                }
                                return new Tuple2<>((int) (row / per), new Tuple2<>(row, f));
                            }),
                            d,
                            float.class)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            x.count();
            return new SparkTallMatrix(x, (int) n, d);
        } catch (Exception e) {
            throw unwrap(e);
        }
    }

    /** Per-chunk partial sums added in chunk order, as {@link FeatureEmbedder#orderedSum}. */
    static double[] ordered(JavaPairRDD<Integer, double[]> partials, int d) {
        List<double[]> inOrder = new ArrayList<>();
        Iterator<Tuple2<Integer, double[]>> it = partials.sortByKey().toLocalIterator();
        while (it.hasNext()) {
            inOrder.add(it.next()._2());
        }
        return FeatureEmbedder.orderedSum(inOrder, d);
    }

    /** A curator error (bad data, bad recipe) thrown on an executor, as itself. */
    static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ai.curator.api.CuratorException d) {
                return d;
            }
        }
        return e instanceof RuntimeException r ? r : new RuntimeException(e);
    }
}
