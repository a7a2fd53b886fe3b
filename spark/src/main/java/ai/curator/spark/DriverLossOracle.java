package ai.curator.spark;

import ai.curator.api.Column;
import ai.curator.api.Progress;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.pipeline.ProgressBars;
import ai.curator.recipe.Json;
import ai.curator.recipe.Recipe;
import ai.curator.score.LossSpec;
import ai.curator.score.MeteredLossOracle;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The landmark losses from any loss source that is not a closed form or a column — {@code openai},
 * {@code lm}, or one a module adds — asked on the driver, as one machine asks them: the landmark
 * rows are collected (their data columns, in row order), the recipe's loss source is built on that
 * small table with the same options, work folder (so its loss cache is shared with one-machine runs
 * and a failed run resumes) and the stage's random stream, and its cost is reported the same way.
 * The executors never call the model: the landmarks are few (m = landmarks·N), and a served model's
 * own concurrency (the {@code openai} source's {@code concurrency}) bounds the calls.
 */
final class DriverLossOracle {
    private DriverLossOracle() {}

    /**
     * The losses of {@code rows} (sorted positions) from the source {@code spec} names, asked in the
     * order {@code order} (indices into {@code rows}: one machine's order of asking, which a source
     * may batch by) and returned in that order.
     *
     * @param xl the landmark rows' embeddings, one per row of {@code rows}, for sources that use them
     * @param details the stage's provenance record, which gets {@code details.oracle} as on one machine
     */
    static double[] losses(
            SparkSession spark,
            SparkLoad.Loaded loaded,
            Dataset<Row> data,
            long[] rows,
            FloatMatrix xl,
            int[] order,
            LossSpec spec,
            Recipe recipe,
            SplittableRandom rnd,
            long n,
            PrintStream log,
            ObjectNode details) {
        Table table = table(spark, loaded, data, rows);
        Context ctx = new Context(table, xl, recipe, rnd, log, details);
        MeteredLossOracle oracle = new MeteredLossOracle(spec.create(ctx), spec.source());
        double[] losses = oracle.losses(order);
        if (losses.length != order.length) {
            throw new IllegalStateException("loss source " + spec.source() + " returned " + losses.length
                    + " losses for " + order.length + " rows");
        }
        for (int i = 0; i < losses.length; i++) {
            if (!Double.isFinite(losses[i]) || losses[i] < 0) {
                throw new ai.curator.api.DataException("loss source " + spec.source() + " gave loss " + losses[i]
                        + " for row id " + table.idText(order[i]) + "; losses must be finite and non-negative");
            }
        }
        oracle.report(ctx, (int) Math.min(Integer.MAX_VALUE, n));
        return losses;
    }

    /** The data columns of {@code rows}, in row order; without an id column, the row positions are the ids. */
    static Table table(SparkSession spark, SparkLoad.Loaded loaded, Dataset<Row> data, long[] rows) {
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        cols.add(functions.col(SparkLoad.ROW));
        for (String c : loaded.columns()) {
            cols.add(functions.col("`" + c + "`"));
        }
        org.apache.spark.sql.Column[] selected = cols.toArray(new org.apache.spark.sql.Column[0]);
        List<Row> got = SparkLoad.collectRows(spark, data, rows, selected);
        StructType schema = data.select(selected).schema();
        return table(schema, got, loaded.idColumn() != null ? loaded.idColumn() : SparkLoad.ROW);
    }

    /** Spark rows as a curator table: integral, floating, boolean and text columns as such, nested ones as JSON text. */
    static Table table(StructType schema, List<Row> rows, String idColumn) {
        List<Column> out = new ArrayList<>();
        StructField[] fields = schema.fields();
        for (int c = 0; c < fields.length; c++) {
            out.add(column(fields[c], rows, c));
        }
        return new Table(out, idColumn, null);
    }

    private static Column column(StructField f, List<Row> rows, int c) {
        int m = rows.size();
        DataType t = f.dataType();
        BitSet nulls = new BitSet();
        if (t instanceof IntegralType) {
            long[] v = new long[m];
            for (int i = 0; i < m; i++) {
                if (rows.get(i).isNullAt(c)) {
                    nulls.set(i);
                } else {
                    v[i] = ((Number) rows.get(i).get(c)).longValue();
                }
            }
            return Column.ofLongs(f.name(), v, nulls);
        }
        if (t instanceof DoubleType || t instanceof FloatType || t instanceof DecimalType) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                if (rows.get(i).isNullAt(c)) {
                    nulls.set(i);
                } else {
                    v[i] = ((Number) rows.get(i).get(c)).doubleValue();
                }
            }
            return Column.ofDoubles(f.name(), v, nulls);
        }
        if (t instanceof BooleanType) {
            boolean[] v = new boolean[m];
            for (int i = 0; i < m; i++) {
                if (rows.get(i).isNullAt(c)) {
                    nulls.set(i);
                } else {
                    v[i] = rows.get(i).getBoolean(c);
                }
            }
            return Column.ofBools(f.name(), v, nulls);
        }
        String[] v = new String[m];
        for (int i = 0; i < m; i++) {
            v[i] = rows.get(i).isNullAt(c) ? null : rows.get(i).get(c).toString();
        }
        if (t instanceof StringType) {
            return Column.ofStrings(f.name(), v);
        }
        // nested values (chat messages, lists): as JSON text, as one machine keeps them
        for (int i = 0; i < m; i++) {
            if (!rows.get(i).isNullAt(c)) {
                v[i] = json(rows.get(i).get(c));
            }
        }
        return Column.ofJson(f.name(), v);
    }

    private static String json(Object o) {
        if (o instanceof Row r) {
            return r.json();
        }
        if (o instanceof scala.collection.Iterable<?> it) {
            StringBuilder b = new StringBuilder("[");
            scala.collection.Iterator<?> i = it.iterator();
            while (i.hasNext()) {
                Object e = i.next();
                b.append(
                        e instanceof Row || e instanceof scala.collection.Iterable<?>
                                ? json(e)
                                : Json.MAPPER.valueToTree(e).toString());
                if (i.hasNext()) {
                    b.append(',');
                }
            }
            return b.append(']').toString();
        }
        return Json.MAPPER.valueToTree(o).toString();
    }

    /** What a loss source sees of the run: the landmark table, the recipe's settings, the stage's stream. */
    private static final class Context extends PartialStageContext {
        private final Table table;
        private final FloatMatrix xl;
        private final Recipe recipe;
        private final SplittableRandom rnd;
        private final PrintStream log;

        Context(Table table, FloatMatrix xl, Recipe recipe, SplittableRandom rnd, PrintStream log, ObjectNode details) {
            super("a loss source", details);
            this.table = table;
            this.xl = xl;
            this.recipe = recipe;
            this.rnd = rnd;
            this.log = log;
        }

        @Override
        public Table table() {
            return table;
        }

        @Override
        public List<String> texts() {
            throw new ai.curator.api.RecipeException(
                    "dataset.text does not reach a loss source on --engine spark yet; give the source its own"
                            + " prompt/response templates");
        }

        @Override
        public String labelColumn() {
            return recipe.dataset().label();
        }

        @Override
        public List<String> featureColumns() {
            return recipe.dataset().features() == null
                    ? List.of()
                    : recipe.dataset().features();
        }

        @Override
        public Optional<FloatMatrix> embeddings() {
            return Optional.of(xl);
        }

        @Override
        public SplittableRandom random() {
            return rnd;
        }

        @Override
        public long seed() {
            return recipe.seed();
        }

        @Override
        public Path outputDir() {
            return recipe.output();
        }

        @Override
        public Path workDir() {
            return recipe.workDir();
        }

        @Override
        public Progress progress(String task, long total) {
            return ProgressBars.auto(false, log).start(task, total);
        }

        @Override
        public void log(String message) {
            log.println("  " + message);
        }
    }
}
