package ai.curator.spark;

import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.io.DataFormat;
import ai.curator.recipe.DatasetSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The load stage on Spark: JSON Lines, CSV, TSV or Parquet through Spark's readers, from any path
 * Spark's file systems read, with every row's 0-based position in the file as the column {@link
 * #ROW} — the stable row index every keyed draw uses, so positions are those the single-machine
 * loader gives (Spark reads a file's splits in order; blank JSONL lines are not rows on either).
 */
final class SparkLoad {
    /** The row-position column the engine adds. */
    static final String ROW = "_curator_row";

    private SparkLoad() {}

    /**
     * A loaded data set.
     *
     * @param data the rows, with {@link #ROW}
     * @param idColumn the id column, or null for the row position
     * @param rows how many rows
     * @param columns the data's own columns, in order
     */
    record Loaded(Dataset<Row> data, String idColumn, long rows, List<String> columns) {}

    static Loaded load(SparkSession spark, DatasetSpec spec, String path, DataFormat format) {
        if (spec.task() != null) {
            return loadTask(spark, spec, path);
        }
        Dataset<Row> raw;
        try {
            raw = switch (format) {
                case JSONL -> spark.read().option("mode", "FAILFAST").json(path);
                case CSV -> spark.read()
                        .option("header", true)
                        .option("inferSchema", true)
                        .option("mode", "FAILFAST")
                        .csv(path);
                case TSV -> spark.read()
                        .option("header", true)
                        .option("sep", "\t")
                        .option("inferSchema", true)
                        .option("mode", "FAILFAST")
                        .csv(path);
                case PARQUET -> spark.read().parquet(path);
                default -> throw new RecipeException(
                        "dataset format " + format.name().toLowerCase(java.util.Locale.ROOT)
                                + " does not run on --engine spark; use jsonl, csv, tsv or parquet");
            };
        } catch (Exception e) {
            if (e instanceof RecipeException r) {
                throw r;
            }
            throw new DataException("Cannot read " + path + " on Spark: " + firstLine(e), e);
        }
        List<String> columns = Arrays.asList(raw.columns());
        if (columns.contains("_corrupt_record")) {
            throw new DataException(path + ": a line is not a JSON object (Spark's reader found a corrupt record)");
        }
        if (format == DataFormat.JSONL) {
            columns = firstAppearance(spark, path, columns);
            raw = raw.select(columns.stream()
                    .map(c -> functions.col("`" + c + "`"))
                    .toArray(org.apache.spark.sql.Column[]::new));
        }
        if (columns.contains(ROW)) {
            throw new RecipeException(path + ": the data has a column '" + ROW + "', which the spark engine adds");
        }
        // Each row's position in the file: Spark reads a file's splits in order, partition by
        // partition; monotonically_increasing_id() is (partition << 33) + the row's index inside its
        // partition, so the position is the rows of the partitions before it plus that index. Stays
        // in Spark SQL's rows (an RDD's zipWithIndex converted every row to an external Row twice).
        Dataset<Row> data;
        try {
            List<Row> perPartition = raw.select(functions.spark_partition_id().as("p"))
                    .groupBy("p")
                    .count()
                    .collectAsList();
            int parts = raw.rdd().getNumPartitions();
            long[] offset = new long[parts + 1];
            for (Row r : perPartition) {
                offset[r.getInt(0) + 1] = r.getLong(1);
            }
            for (int p = 0; p < parts; p++) {
                offset[p + 1] += offset[p];
            }
            org.apache.spark.sql.expressions.UserDefinedFunction position = functions
                    .udf(
                            (org.apache.spark.sql.api.java.UDF1<Long, Long>)
                                    mid -> offset[(int) (mid >>> 33)] + (mid & ((1L << 33) - 1)),
                            DataTypes.LongType)
                    .asNonNullable();
            data = raw.withColumn(ROW, position.apply(functions.monotonically_increasing_id()))
                    .cache();
        } catch (Exception e) {
            throw new DataException("Cannot read " + path + " on Spark: " + firstLine(e), e);
        }
        long rows;
        try {
            rows = data.count();
        } catch (Exception e) {
            throw new DataException("Cannot read " + path + " on Spark: " + firstLine(e), e);
        }
        if (rows == 0) {
            throw new DataException(path + " has no rows");
        }
        String id = spec.id() != null ? spec.id() : columns.contains("id") ? "id" : null;
        if (id != null) {
            if (!columns.contains(id)) {
                throw new RecipeException(
                        "dataset.id '" + id + "' is not a column of " + path + "; columns are " + columns);
            }
            checkIds(data, id, path);
        }
        return new Loaded(data, id, rows, new ArrayList<>(columns));
    }

    /**
     * A task split ({@code dataset.task}): read on the driver by the task's own reader, as one
     * machine reads it ({@link ai.curator.pipeline.DatasetLoader}: {@code id}, the raw fields,
     * {@code prompt}, {@code response}), then handed to Spark as text columns with each row's
     * position. Task splits are benchmark-sized (thousands of rows); a corpus at cluster scale is a
     * {@code dataset.path} read by Spark's readers.
     */
    private static Loaded loadTask(SparkSession spark, DatasetSpec spec, String path) {
        if (ai.curator.recipe.Recipe.isUri(path)) {
            throw new RecipeException("dataset.task (" + spec.task() + ") reads its split on the driver, from a local"
                    + " file; " + path + " is a URI: copy the split to a local path or give dataset.path without task");
        }
        ai.curator.api.Table table = ai.curator.pipeline.DatasetLoader.load(spec, java.nio.file.Path.of(path));
        int n = table.rows();
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType();
        List<String> columns = new ArrayList<>();
        for (ai.curator.api.Column c : table.columns()) {
            schema = schema.add(c.name(), DataTypes.StringType, true);
            columns.add(c.name());
        }
        schema = schema.add(ROW, DataTypes.LongType, false);
        List<Row> rows = new ArrayList<>(n);
        int cols = columns.size();
        for (int r = 0; r < n; r++) {
            Object[] v = new Object[cols + 1];
            for (int c = 0; c < cols; c++) {
                ai.curator.api.Column col = table.columns().get(c);
                v[c] = col.isNull(r) ? null : col.text(r);
            }
            v[cols] = (long) r;
            rows.add(org.apache.spark.sql.RowFactory.create(v));
        }
        Dataset<Row> data = spark.createDataFrame(rows, schema).cache();
        data.count();
        return new Loaded(data, ai.curator.pipeline.DatasetLoader.ID, n, columns);
    }

    /**
     * Spark's JSON reader orders fields by name; one machine keeps the order of first appearance. The
     * first 1,000 lines give that order; fields first seen later follow by name.
     */
    private static List<String> firstAppearance(SparkSession spark, String path, List<String> byName) {
        java.util.LinkedHashSet<String> order = new java.util.LinkedHashSet<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (Row line : spark.read().text(path).limit(1000).collectAsList()) {
            String t = line.getString(0);
            if (t == null || t.isBlank()) {
                continue;
            }
            try {
                json.readTree(t).fieldNames().forEachRemaining(order::add);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new DataException(path + ": a line is not a JSON object (" + e.getOriginalMessage() + ")");
            }
        }
        List<String> out = new ArrayList<>();
        for (String c : order) {
            if (byName.contains(c)) {
                out.add(c);
            }
        }
        for (String c : byName) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Ids must be present and unique, as on one machine: the first offender is named with its position. */
    private static void checkIds(Dataset<Row> data, String id, String path) {
        List<Row> missing =
                data.filter(functions.col(id).isNull()).select(ROW).limit(1).collectAsList();
        if (!missing.isEmpty()) {
            throw new DataException(path + ": row " + missing.get(0).getLong(0) + " has no id (column '" + id + "')");
        }
        List<Row> dup = data.groupBy(functions.col(id))
                .agg(
                        functions.count(functions.lit(1)).as("n"),
                        functions.min(ROW).as("first"))
                .filter(functions.col("n").gt(1))
                .orderBy("first")
                .limit(1)
                .collectAsList();
        if (!dup.isEmpty()) {
            throw new DataException(path + ": id " + dup.get(0).get(0) + " appears "
                    + dup.get(0).getLong(1) + " times (column '" + id + "'); ids must be unique");
        }
    }

    /**
     * The given columns of the rows at {@code rows} (positions), in row order, collected to the
     * driver: a broadcast join with the few positions asked, so the data is filtered where it lies.
     *
     * @param cols the columns to collect ({@link #ROW} first, as the order key)
     * @throws IllegalStateException when a position is not in the data
     */
    static List<Row> collectRows(
            SparkSession spark, Dataset<Row> data, long[] rows, org.apache.spark.sql.Column... cols) {
        List<Row> keys = new ArrayList<>(rows.length);
        for (long r : rows) {
            keys.add(org.apache.spark.sql.RowFactory.create(r));
        }
        Dataset<Row> wanted = spark.createDataFrame(
                keys, new org.apache.spark.sql.types.StructType().add(ROW, DataTypes.LongType, false));
        List<Row> got = data.join(functions.broadcast(wanted), ROW)
                .select(cols)
                .orderBy(ROW)
                .collectAsList();
        if (got.size() != rows.length) {
            throw new IllegalStateException("collected " + got.size() + " of " + rows.length + " rows");
        }
        return got;
    }

    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof AnalysisException)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
