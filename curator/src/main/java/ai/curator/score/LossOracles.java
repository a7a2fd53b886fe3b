package ai.curator.score;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.LossOracle;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.model.LogisticRegression;
import java.util.HashMap;
import java.util.Map;

/** Builds the {@link LossOracle} a {@link LossSpec} names, and checks the spec against a plan. */
public final class LossOracles {
    private LossOracles() {}

    /** Checks what the loss source needs: embeddings, a loss column, a label. */
    public static void plan(LossSpec spec, Plan plan) {
        switch (spec.source()) {
            case "squared_norm" -> plan.requireEmbeddings();
            case "column" -> {
                if (plan.dataColumns() != null && !plan.dataColumns().contains(spec.column())) {
                    throw new RecipeException(plan.stage() + ": loss.column '" + spec.column()
                            + "' is not in the data; columns are " + plan.dataColumns());
                }
            }
            case "logistic" -> {
                plan.requireEmbeddings();
                if (plan.label() == null) {
                    throw new RecipeException(
                            plan.stage()
                                    + ": loss.source 'logistic' fits a classifier; set dataset.label to the binary label column");
                }
            }
            default -> throw new IllegalStateException(spec.source());
        }
    }

    /** The basis losses ℓ(vᵢ) when they are known in closed form (1 for ‖x‖²), else null. */
    public static double[] basisLosses(LossSpec spec, int rank) {
        if (spec.source().equals("squared_norm")) {
            double[] ones = new double[rank];
            java.util.Arrays.fill(ones, 1.0);
            return ones;
        }
        return null;
    }

    /**
     * The oracle. For {@code logistic} the model is fitted once, here, on every row; the oracle
     * then answers from its per-row losses.
     */
    public static LossOracle create(LossSpec spec, StageContext ctx) {
        Table t = ctx.table();
        return switch (spec.source()) {
            case "squared_norm" -> {
                double[] sq = ctx.embeddings().orElseThrow().rowSquaredNorms();
                yield rows -> pick(sq, rows);
            }
            case "column" -> {
                double[] v = column(t, spec.column());
                yield rows -> pick(v, rows);
            }
            case "logistic" -> {
                FloatMatrix x = ctx.embeddings().orElseThrow();
                int[] y = binaryLabels(t, ctx.labelColumn());
                LogisticRegression lr = LogisticRegression.fit(
                        x, y, null, new LogisticRegression.Options(spec.c(), spec.balanced(), 100, 1e-8));
                double[] loss = lr.logLoss(x, y);
                yield rows -> pick(loss, rows);
            }
            default -> throw new IllegalStateException(spec.source());
        };
    }

    private static double[] pick(double[] v, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }

    /** A numeric column as losses: every value finite and ≥ 0. */
    static double[] column(Table t, String name) {
        Column c = t.column(name);
        if (!c.type().isNumeric()) {
            throw new DataException("Loss column '" + name + "' is " + c.type() + "; losses must be numbers");
        }
        double[] v = new double[t.rows()];
        for (int r = 0; r < v.length; r++) {
            v[r] = c.number(r);
            if (!Double.isFinite(v[r]) || v[r] < 0) {
                throw new DataException("Loss column '" + name + "' has " + (c.isNull(r) ? "no value" : v[r])
                        + " in row " + r + (t.sourceLine(r) > 0 ? " (line " + t.sourceLine(r) + ")" : "")
                        + "; losses must be finite and >= 0");
            }
        }
        return v;
    }

    /**
     * A two-valued label column as 0/1: the smaller value (numeric order, else text order) is 0.
     */
    public static int[] binaryLabels(Table t, String label) {
        Column c = t.column(label);
        Map<String, Integer> seen = new HashMap<>();
        String[] text = new String[t.rows()];
        for (int r = 0; r < text.length; r++) {
            text[r] = c.text(r);
            seen.putIfAbsent(text[r], seen.size());
            if (seen.size() > 2) {
                throw new DataException(
                        "Label column '" + label + "' has more than two values; loss.source 'logistic' is binary");
            }
        }
        if (seen.size() < 2) {
            throw new DataException("Label column '" + label + "' has a single value; a classifier needs two classes");
        }
        String[] vals = seen.keySet().toArray(new String[0]);
        java.util.Arrays.sort(vals, (a, b) -> {
            if (c.type().isNumeric()) {
                return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
            }
            return a.compareTo(b);
        });
        int[] y = new int[text.length];
        for (int r = 0; r < y.length; r++) {
            y[r] = text[r].equals(vals[1]) ? 1 : 0;
        }
        return y;
    }
}
