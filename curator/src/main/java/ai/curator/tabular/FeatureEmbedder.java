package ai.curator.tabular;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Column;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import java.util.List;

/**
 * Uses a tabular data set's numeric feature columns as its embeddings, optionally z-scored — how
 * the tabular and credit-card experiments feed geometric scorers and selectors (paper 003 §4.1:
 * "z-score the 23 features").
 *
 * <p>Z-scoring uses each column's mean and population standard deviation over all rows; a
 * constant column (standard deviation 0) becomes all zeros, so it carries no geometry rather than
 * dividing by zero.
 */
public final class FeatureEmbedder implements Stage {

    /**
     * Options of {@code embed: features}.
     *
     * @param columns feature columns; default the data set's features (dataset.features, or every
     *     numeric column but the id and the label)
     * @param standardize z-score each column; default true
     */
    public record Options(List<String> columns, Boolean standardize) {
        public Options {
            columns = columns == null ? null : List.copyOf(columns);
            if (columns != null && columns.isEmpty()) {
                throw new IllegalArgumentException("features.columns must list at least one column (or be left out)");
            }
            standardize = standardize == null || standardize;
        }
    }

    /** Registers {@code embed: features}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "embed",
                    "features",
                    "tabular data: the numeric feature columns (z-scored by default) as embeddings",
                    Options.class,
                    FeatureEmbedder::new);
        }
    }

    private final Options options;

    public FeatureEmbedder(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        List<String> data = plan.dataColumns();
        if (data != null && options.columns() != null) {
            for (String c : options.columns()) {
                if (!data.contains(c)) {
                    throw new RecipeException(
                            plan.stage() + ": feature column '" + c + "' is not in the data; columns are " + data);
                }
                if (c.equals(plan.label())) {
                    throw new RecipeException(
                            plan.stage() + ": column '" + c + "' is the label (dataset.label); it cannot be a feature");
                }
            }
        }
        plan.produceEmbeddings();
    }

    /** Vectors depend on the columns and the options only: recipes that differ in their seed share them. */
    @Override
    public boolean usesSeed() {
        return false;
    }

    @Override
    public void run(StageContext ctx) {
        Table t = ctx.table();
        List<String> cols = options.columns() != null ? options.columns() : ctx.featureColumns();
        if (cols.isEmpty()) {
            throw new RecipeException(
                    "embed: features found no numeric feature columns in the data; list them in dataset.features");
        }
        ctx.setEmbeddings(
                matrix(t, cols, options.standardize()),
                "features" + cols.size() + (options.standardize() ? "+zscore" : ""));
    }

    /** The rows × columns matrix of {@code cols}, z-scored when asked. */
    public static FloatMatrix matrix(Table t, List<String> cols, boolean standardize) {
        int n = t.rows();
        int d = cols.size();
        FloatMatrix out = new FloatMatrix(n, d); // row chunks beyond 2^31 values
        for (int j = 0; j < d; j++) {
            Column c = t.column(cols.get(j));
            if (!c.type().isNumeric()) {
                throw new RecipeException("Feature column '" + cols.get(j) + "' is " + c.type() + ", not numeric");
            }
            double mean = 0;
            double m2 = 0;
            for (int i = 0; i < n; i++) {
                double v = c.number(i);
                if (!Double.isFinite(v)) {
                    throw new ai.curator.api.DataException(
                            "Feature '" + cols.get(j) + "' is " + (c.isNull(i) ? "missing" : v) + " in row " + i
                                    + (t.sourceLine(i) > 0 ? " (line " + t.sourceLine(i) + ")" : "")
                                    + "; features must be finite");
                }
                double delta = v - mean;
                mean += delta / (i + 1);
                m2 += delta * (v - mean);
            }
            double sd = Math.sqrt(m2 / n);
            for (int i = 0; i < n; i++) {
                double v = c.number(i);
                out.set(i, j, (float) (standardize ? (sd > 0 ? (v - mean) / sd : 0.0) : v));
            }
        }
        return out;
    }
}
