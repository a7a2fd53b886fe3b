package ai.curator.score;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.LossOracle;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.api.Table;

/**
 * {@code loss: {source: column, column: NAME}}: the values of a numeric data column (e.g. losses a
 * user computed with the target model), each finite and ≥ 0; a row without a value, or NaN, is an
 * error naming its id and line.
 */
public final class ColumnLossSource implements LossSourceProvider<ColumnLossSource.Options> {

    /**
     * Options of the {@code column} source.
     *
     * @param column the numeric column holding each row's loss; required
     */
    public record Options(String column) {
        public Options {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException(
                        "loss.source 'column' needs loss.column: the numeric column holding each row's loss");
            }
        }
    }

    @Override
    public String name() {
        return "column";
    }

    @Override
    public String summary() {
        return "the values of a numeric data column (losses computed elsewhere), finite and >= 0";
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public void plan(Options options, Plan plan) {
        if (plan.dataColumns() != null && !plan.dataColumns().contains(options.column())) {
            throw new RecipeException(plan.stage() + ": loss.column '" + options.column()
                    + "' is not in the data; columns are " + plan.dataColumns());
        }
    }

    @Override
    public LossOracle create(Options options, StageContext ctx) {
        double[] v = values(ctx.table(), options.column());
        return rows -> LossOracles.pick(v, rows);
    }

    /** A numeric column as losses: every value finite and ≥ 0. */
    static double[] values(Table t, String name) {
        Column c = t.column(name);
        if (!c.type().isNumeric()) {
            throw new DataException("Loss column '" + name + "' is " + c.type() + "; losses must be numbers");
        }
        double[] v = new double[t.rows()];
        for (int r = 0; r < v.length; r++) {
            v[r] = c.number(r);
            if (!Double.isFinite(v[r]) || v[r] < 0) {
                throw new DataException("Loss column '" + name + "' has " + (c.isNull(r) ? "no value" : v[r])
                        + " in row " + r + " (id " + t.idText(r)
                        + (t.sourceLine(r) > 0 ? ", line " + t.sourceLine(r) : "")
                        + "); losses must be finite and >= 0");
            }
        }
        return v;
    }
}
