package ai.curator.score;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.LossOracle;
import ai.curator.api.Plan;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import java.util.HashMap;
import java.util.Map;

/** Builds the {@link LossOracle} a {@link LossSpec} names, and checks the spec against a plan. */
public final class LossOracles {
    private LossOracles() {}

    /** Checks what the loss source needs: embeddings, a loss column, a label. */
    public static void plan(LossSpec spec, Plan plan) {
        spec.plan(plan);
    }

    /** The basis losses ℓ(vᵢ) when they are known in closed form (1 for ‖x‖²), else null. */
    public static double[] basisLosses(LossSpec spec, int rank) {
        return spec.basisLosses(rank);
    }

    /** The oracle of the spec's source for this run. */
    public static LossOracle create(LossSpec spec, StageContext ctx) {
        return spec.create(ctx);
    }

    /** {@code v[rows[i]]} for each i. */
    static double[] pick(double[] v, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }

    /** A numeric column as losses: every value finite and ≥ 0. */
    static double[] column(Table t, String name) {
        return ColumnLossSource.values(t, name);
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
