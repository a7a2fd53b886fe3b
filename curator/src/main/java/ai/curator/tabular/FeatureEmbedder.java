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

    /**
     * The rows × columns matrix of {@code cols}, z-scored when asked. Means and standard deviations
     * are sums over fixed chunks of {@link ai.curator.linalg.Parallel#REDUCTION_CHUNK} rows, each in
     * row order, the chunks in order ({@link #columnSums}, {@link #centredSquares}, {@link
     * #orderedSum}): the same bits wherever the chunks are computed (the spark engine).
     */
    public static FloatMatrix matrix(Table t, List<String> cols, boolean standardize) {
        int n = t.rows();
        int d = cols.size();
        Column[] c = new Column[d];
        for (int j = 0; j < d; j++) {
            c[j] = t.column(cols.get(j));
            if (!c[j].type().isNumeric()) {
                throw new RecipeException("Feature column '" + cols.get(j) + "' is " + c[j].type() + ", not numeric");
            }
        }
        int per = ai.curator.linalg.Parallel.REDUCTION_CHUNK;
        int chunks = ai.curator.linalg.Parallel.reductionChunks(n);
        java.util.function.IntFunction<double[]> raw = k -> {
            int from = k * per;
            int rows = Math.min(n, from + per) - from;
            double[] chunk = new double[rows * d];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < d; j++) {
                    double v = c[j].number(from + i);
                    if (!Double.isFinite(v)) {
                        throw new ai.curator.api.DataException("Feature '" + cols.get(j) + "' is "
                                + (c[j].isNull(from + i) ? "missing" : v) + " in row " + (from + i)
                                + (t.sourceLine(from + i) > 0 ? " (line " + t.sourceLine(from + i) + ")" : "")
                                + "; features must be finite");
                    }
                    chunk[i * d + j] = v;
                }
            }
            return chunk;
        };
        double[] mean = new double[d];
        double[] sd = new double[d];
        if (standardize) {
            List<double[]> sums = new java.util.ArrayList<>();
            for (int k = 0; k < chunks; k++) {
                sums.add(columnSums(raw.apply(k), d));
            }
            mean = means(orderedSum(sums, d), n);
            List<double[]> sq = new java.util.ArrayList<>();
            for (int k = 0; k < chunks; k++) {
                sq.add(centredSquares(raw.apply(k), d, mean));
            }
            sd = standardDeviations(orderedSum(sq, d), n);
        }
        FloatMatrix out = new FloatMatrix(n, d); // row chunks beyond 2^31 values
        for (int k = 0; k < chunks; k++) {
            float[] f = toFloats(raw.apply(k), d, mean, sd, standardize);
            for (int i = 0; i < f.length / d; i++) {
                out.setRow(k * per + i, f, i * d);
            }
        }
        return out;
    }

    /** Per column, the sum of a row-major chunk's values in row order. */
    public static double[] columnSums(double[] chunk, int d) {
        double[] s = new double[d];
        for (int i = 0; i < chunk.length; i += d) {
            for (int j = 0; j < d; j++) {
                s[j] += chunk[i + j];
            }
        }
        return s;
    }

    /** Per column, {@code Σ (v − mean)²} over a row-major chunk in row order. */
    public static double[] centredSquares(double[] chunk, int d, double[] mean) {
        double[] s = new double[d];
        for (int i = 0; i < chunk.length; i += d) {
            for (int j = 0; j < d; j++) {
                double e = chunk[i + j] - mean[j];
                s[j] += e * e;
            }
        }
        return s;
    }

    /** The chunks' partial sums added in chunk order. */
    public static double[] orderedSum(List<double[]> partials, int d) {
        double[] s = new double[d];
        for (double[] p : partials) {
            for (int j = 0; j < d; j++) {
                s[j] += p[j];
            }
        }
        return s;
    }

    /** {@code sums / n}. */
    public static double[] means(double[] sums, long n) {
        double[] m = new double[sums.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = sums[j] / n;
        }
        return m;
    }

    /** Population standard deviations {@code sqrt(Σ(v − mean)² / n)}. */
    public static double[] standardDeviations(double[] centredSquares, long n) {
        double[] sd = new double[centredSquares.length];
        for (int j = 0; j < sd.length; j++) {
            sd[j] = Math.sqrt(centredSquares[j] / n);
        }
        return sd;
    }

    /** A chunk's embedding rows: z-scored (a constant column becomes 0) or as they are, as floats. */
    public static float[] toFloats(double[] chunk, int d, double[] mean, double[] sd, boolean standardize) {
        float[] f = new float[chunk.length];
        for (int i = 0; i < chunk.length; i += d) {
            for (int j = 0; j < d; j++) {
                double v = chunk[i + j];
                f[i + j] = (float) (standardize ? (sd[j] > 0 ? (v - mean[j]) / sd[j] : 0.0) : v);
            }
        }
        return f;
    }
}
