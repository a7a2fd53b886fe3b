package ai.curator.spark;

import ai.curator.api.DataException;
import ai.curator.select.algo.KeyedSampling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
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
 * The select stage on Spark, drawing exactly what {@link KeyedSampling} draws on one machine: each
 * random number is a function of the stage's key and a row's position, so the partitioning of the
 * rows does not matter. A selection is a small data set of (row, count, weight of one copy).
 */
final class SparkSelect {
    static final String COUNT = "_curator_count";
    static final String WEIGHT = "_curator_weight";

    static final StructType SCHEMA = new StructType()
            .add(SparkLoad.ROW, DataTypes.LongType, false)
            .add(COUNT, DataTypes.LongType, false)
            .add(WEIGHT, DataTypes.DoubleType, false);

    private SparkSelect() {}

    /**
     * s rows without replacement: the s smallest {@link KeyedSampling#uniformKey}s (ties by position),
     * weight n/s each; or with replacement, as sensitivity sampling on σ ≡ 1 with weight n/s a copy.
     */
    static Dataset<Row> uniform(SparkSession spark, Dataset<Row> data, long n, int s, boolean replace, long key) {
        double w = (double) n / s;
        if (replace) {
            Dataset<Row> ones =
                    data.select(functions.col(SparkLoad.ROW), functions.lit(1.0).as("_one"));
            return sensitivity(spark, ones, "_one", n, s, key).withColumn(WEIGHT, functions.lit(w));
        }
        JavaRDD<Row> picked = data.select(SparkLoad.ROW).javaRDD().map(r -> {
            long row = r.getLong(0);
            return RowFactory.create(row, KeyedSampling.uniformKey(key, row));
        });
        List<Row> rows = picked.takeOrdered(s, new KeyOrder());
        List<Row> sel = new ArrayList<>(rows.size());
        for (Row r : rows) {
            sel.add(RowFactory.create(r.getLong(0), 1L, w));
        }
        return spark.createDataFrame(sel, SCHEMA);
    }

    /**
     * What {@code select: uniform} with a class quota drew: the selection, and the rows kept per
     * class (by the class's label text, in one machine's class order).
     */
    record ClassDraw(Dataset<Row> selection, Map<String, Integer> kept, int[] sizes) {}

    /**
     * Uniform without replacement within the classes of {@code label}, as one machine: classes in
     * {@link ai.curator.tabular.Labels} order (numeric labels by value, else by text), quotas from
     * {@link ai.curator.select.algo.ClassQuotas} on the class sizes, each class's {@code quota}
     * rows with the smallest {@link KeyedSampling#uniformKey}s (ties by position), weight
     * {@code N_c / quota_c}.
     *
     * @throws DataException naming the first row without a label
     */
    static ClassDraw withinClasses(SparkSession spark, Dataset<Row> data, String label, int m, String mode, long key) {
        if (!List.of(data.columns()).contains(label)) {
            throw new ai.curator.api.RecipeException("dataset.label '" + label
                    + "' is not a column of the data; columns are " + List.of(data.columns()));
        }
        List<Row> missing = data.filter(functions.col("`" + label + "`").isNull())
                .select(SparkLoad.ROW)
                .orderBy(SparkLoad.ROW)
                .limit(1)
                .collectAsList();
        if (!missing.isEmpty()) {
            throw new DataException("Label '" + label + "' is missing in row "
                    + missing.get(0).getLong(0) + "; every row needs a label");
        }
        boolean numeric = data.schema().apply(label).dataType() instanceof org.apache.spark.sql.types.NumericType;
        org.apache.spark.sql.Column lc = functions.col("`" + label + "`").cast(numeric ? "double" : "string");
        List<Row> counts = new ArrayList<>(data.groupBy(lc.as("_c")).count().collectAsList());
        counts.sort((a, b) -> numeric
                ? Double.valueOf(a.getDouble(0)).compareTo(b.getDouble(0))
                : a.getString(0).compareTo(b.getString(0)));
        int classes = counts.size();
        int[] size = new int[classes];
        List<Row> plan = new ArrayList<>();
        Map<String, Integer> kept = new java.util.LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            size[c] = Math.toIntExact(counts.get(c).getLong(1));
        }
        int[] quota = mode.equals("equal")
                ? ai.curator.select.algo.ClassQuotas.equal(size, m)
                : ai.curator.select.algo.ClassQuotas.proportional(size, m);
        for (int c = 0; c < classes; c++) {
            Object v = counts.get(c).get(0);
            kept.put(ai.curator.tabular.Labels.name(v), quota[c]);
            if (quota[c] > 0) {
                plan.add(RowFactory.create(v, quota[c], (double) size[c] / quota[c]));
            }
        }
        Dataset<Row> quotas = spark.createDataFrame(
                plan,
                new StructType()
                        .add("_c", numeric ? DataTypes.DoubleType : DataTypes.StringType, false)
                        .add("_q", DataTypes.IntegerType, false)
                        .add("_w", DataTypes.DoubleType, false));
        org.apache.spark.sql.expressions.UserDefinedFunction k = functions.udf(
                (org.apache.spark.sql.api.java.UDF1<Long, Long>) row -> KeyedSampling.uniformKey(key, row),
                DataTypes.LongType);
        org.apache.spark.sql.expressions.WindowSpec byKey = org.apache.spark.sql.expressions.Window.partitionBy("_c")
                .orderBy(functions.col("_k"), functions.col(SparkLoad.ROW));
        Dataset<Row> sel = data.select(functions.col(SparkLoad.ROW), lc.as("_c"))
                .join(functions.broadcast(quotas), "_c")
                .withColumn("_k", k.apply(functions.col(SparkLoad.ROW)))
                .withColumn("_r", functions.row_number().over(byKey))
                .filter(functions.col("_r").leq(functions.col("_q")))
                .select(
                        functions.col(SparkLoad.ROW),
                        functions.lit(1L).as(COUNT),
                        functions.col("_w").as(WEIGHT));
        return new ClassDraw(spark.createDataFrame(sel.javaRDD(), SCHEMA).persist(), kept, size);
    }

    /** Orders (row, key) pairs by key, then row. */
    static final class KeyOrder implements java.util.Comparator<Row>, java.io.Serializable {
        @Override
        public int compare(Row a, Row b) {
            int c = Long.compare(a.getLong(1), b.getLong(1));
            return c != 0 ? c : Long.compare(a.getLong(0), b.getLong(0));
        }
    }

    /**
     * s draws with replacement ∝ the score column {@code score}: block masses on the executors, the
     * split of the s draws among blocks on the driver, the draws inside each block on the executors
     * ({@link KeyedSampling}); weight of one copy {@code 1/(s·p)}.
     *
     * @throws DataException naming the first row whose score is NaN, infinite or negative
     */
    static Dataset<Row> sensitivity(SparkSession spark, Dataset<Row> data, String score, long n, int s, long key) {
        checkScores(data, score, "score '" + score + "'");
        int block = KeyedSampling.BLOCK;
        JavaPairRDD<Long, Iterable<Tuple2<Long, Double>>> blocks = data.select(SparkLoad.ROW, score)
                .javaRDD()
                .mapToPair(r -> new Tuple2<>(r.getLong(0) / block, new Tuple2<>(r.getLong(0), r.getDouble(1))))
                .groupByKey()
                .cache();
        try {
            Map<Long, Double> byBlock = blocks.mapValues(it -> {
                        double[] sigma = ordered(it);
                        return KeyedSampling.blockMass(sigma, 0, sigma.length);
                    })
                    .collectAsMap();
            int nb = (int) ((n + block - 1) / block);
            double[] masses = new double[nb];
            for (int b = 0; b < nb; b++) {
                Double m = byBlock.get((long) b);
                if (m == null) {
                    throw new IllegalStateException("block " + b + " of the row positions has no rows");
                }
                masses[b] = m;
            }
            double total = KeyedSampling.total(masses);
            long[] counts = KeyedSampling.blockCounts(masses, s, key);
            Broadcast<long[]> perBlock =
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(counts);
            JavaRDD<Row> picked = blocks.flatMap(t -> {
                long b = t._1();
                long c = perBlock.value()[(int) b];
                List<Row> out = new ArrayList<>();
                if (c == 0) {
                    return out.iterator();
                }
                double[] sigma = ordered(t._2());
                int[] drawn = KeyedSampling.drawInBlock(sigma, 0, sigma.length, c, key, b);
                for (int i = 0; i < drawn.length; i++) {
                    if (drawn[i] > 0) {
                        // as one machine: weight c/(s·p) for the row, then per copy weight/c
                        double p = sigma[i] / total;
                        double w = drawn[i] / (s * p);
                        out.add(RowFactory.create(b * block + i, (long) drawn[i], w / drawn[i]));
                    }
                }
                return out.iterator();
            });
            Dataset<Row> sel = spark.createDataFrame(picked, SCHEMA).persist();
            sel.count(); // drawn while the blocks are cached
            return sel;
        } finally {
            blocks.unpersist(false);
        }
    }

    /** The m rows with the highest (or lowest) score, ties to the lower position, weight n/m each (as one machine). */
    static Dataset<Row> topM(SparkSession spark, Dataset<Row> data, String score, long n, int m, boolean descending) {
        org.apache.spark.sql.Column by =
                descending ? functions.col(score).desc() : functions.col(score).asc();
        List<Row> top = data.select(SparkLoad.ROW, score)
                .orderBy(by, functions.col(SparkLoad.ROW).asc())
                .limit(m)
                .collectAsList();
        double w = (double) n / m;
        List<Row> sel = new ArrayList<>(top.size());
        for (Row r : top) {
            sel.add(RowFactory.create(r.getLong(0), 1L, w));
        }
        return spark.createDataFrame(sel, SCHEMA);
    }

    /**
     * Every value of {@code column} finite and ≥ 0.
     *
     * @throws DataException naming the first row (by position) that is not
     */
    static void checkScores(Dataset<Row> data, String column, String what) {
        // Spark orders NaN above every number, so NaN >= 0 holds there: NaN is asked for by name
        List<Row> bad = data.filter(functions
                        .not(functions.col(column).geq(0))
                        .or(functions.col(column).isNull())
                        .or(functions.isnan(functions.col(column)))
                        .or(functions.col(column).equalTo(Double.POSITIVE_INFINITY)))
                .select(SparkLoad.ROW, column)
                .orderBy(SparkLoad.ROW)
                .limit(1)
                .collectAsList();
        if (!bad.isEmpty()) {
            throw new DataException((what.startsWith("score") ? "sensitivity scores must be finite and >= 0: " : "")
                    + what + " of row " + bad.get(0).getLong(0) + " is "
                    + bad.get(0).get(1)
                    + (what.startsWith("score") ? "" : "; losses must be finite and >= 0"));
        }
    }

    /** A block's scores in row order (rows of a block are consecutive positions). */
    private static double[] ordered(Iterable<Tuple2<Long, Double>> it) {
        List<Tuple2<Long, Double>> l = new ArrayList<>();
        it.forEach(l::add);
        l.sort((a, b) -> Long.compare(a._1(), b._1()));
        double[] sigma = new double[l.size()];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = l.get(i)._2();
        }
        return sigma;
    }
}
