package ai.curator.tabular;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Embeddings given with the data: one column whose every value is a list of numbers (a JSON array in
 * JSONL, a list column in Parquet or Arrow), all of the same length — vectors made elsewhere (an
 * embedding API, an earlier pipeline) used as they are. Each number becomes a float32 ({@code
 * (float)} of its double value; a Parquet or Arrow list of float32 gives its floats as they are,
 * as Spark's reader does).
 */
public final class VectorColumnEmbedder implements Stage {

    /**
     * Options of {@code embed: column}.
     *
     * @param column the column holding each row's vector (required)
     */
    public record Options(String column) {
        public Options {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException(
                        "embed: column needs column: the data column holding each row's vector (a list of numbers)");
            }
        }
    }

    /** Registers {@code embed: column}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "embed",
                    "column",
                    "embeddings given with the data: a column of equally long lists of numbers",
                    Options.class,
                    VectorColumnEmbedder::new);
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Options options;

    public VectorColumnEmbedder(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        if (plan.dataColumns() != null && !plan.dataColumns().contains(options.column())) {
            throw new RecipeException(plan.stage() + ": column '" + options.column()
                    + "' is not in the data; columns are " + plan.dataColumns());
        }
        plan.produceEmbeddings();
    }

    /** Vectors depend on the data only. */
    @Override
    public boolean usesSeed() {
        return false;
    }

    @Override
    public void run(StageContext ctx) {
        Table t = ctx.table();
        Column c = t.column(options.column());
        int n = t.rows();
        float[] first = parse(c, t, 0, -1);
        int d = first.length;
        FloatMatrix m = new FloatMatrix(n, d);
        m.setRow(0, first, 0);
        for (int i = 1; i < n; i++) {
            m.setRow(i, parse(c, t, i, d), 0);
        }
        ctx.setEmbeddings(m, "column:" + options.column() + ":" + d);
    }

    /**
     * Row {@code i}'s vector.
     *
     * @param d the length every vector must have, or -1 for the first
     * @throws DataException naming the row (id and line) when the value is missing, not a list of
     *     finite numbers, or of another length
     */
    static float[] parse(Column c, Table t, int i, int d) {
        String where = "column '" + c.name() + "', row " + t.idText(i)
                + (t.sourceLine(i) > 0 ? " (line " + t.sourceLine(i) + ")" : "");
        if (c.type() != Column.Type.JSON || c.isNull(i)) {
            throw new DataException(where + ": " + (c.isNull(i) ? "no vector" : "a " + c.type() + " value, not a list")
                    + "; embed: column needs a list of numbers in every row");
        }
        if (c.hasFloatLists()) { // a Parquet/Arrow list of float32: the floats themselves, no text between
            float[] v = c.floatList(i);
            for (int k = 0; k < v.length; k++) {
                if (!Float.isFinite(v[k])) {
                    throw new DataException(
                            where + ": element " + k + " is " + v[k] + "; vectors must be finite floats");
                }
            }
            if (v.length == 0) {
                throw new DataException(where + ": an empty vector");
            }
            if (d >= 0 && v.length != d) {
                throw new DataException(where + ": a vector of " + v.length + " numbers; the first row's has " + d);
            }
            return v;
        }
        float[] v = new float[Math.max(d, 16)];
        int k = 0;
        try (JsonParser p = JSON.createParser(c.text(i))) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new DataException(where + ": not a list of numbers");
            }
            for (JsonToken tok = p.nextToken(); tok != JsonToken.END_ARRAY; tok = p.nextToken()) {
                if (tok != JsonToken.VALUE_NUMBER_FLOAT && tok != JsonToken.VALUE_NUMBER_INT) {
                    throw new DataException(where + ": element " + k + " is not a number");
                }
                double x = p.getDoubleValue();
                if (!Double.isFinite(x) || Math.abs(x) > Float.MAX_VALUE) {
                    throw new DataException(where + ": element " + k + " is " + x + "; vectors must be finite floats");
                }
                if (k == v.length) {
                    v = java.util.Arrays.copyOf(v, v.length * 2);
                }
                v[k++] = (float) x;
            }
        } catch (IOException e) {
            throw new DataException(where + ": not a list of numbers (" + e.getMessage() + ")", e);
        }
        if (k == 0) {
            throw new DataException(where + ": an empty vector");
        }
        if (d >= 0 && k != d) {
            throw new DataException(where + ": a vector of " + k + " numbers; the first row's has " + d);
        }
        return k == v.length ? v : java.util.Arrays.copyOf(v, k);
    }
}
