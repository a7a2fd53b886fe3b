package ai.curator.select;

import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import java.util.function.IntToDoubleFunction;

/** Helpers shared by selectors. */
public final class Selectors {
    private Selectors() {}

    /** A recipe has one select stage: a second one would silently discard the first's weights. */
    public static void requireFirstSelection(Plan plan) {
        if (plan.hasSelection()) {
            throw new RecipeException(
                    plan.stage() + ": an earlier stage already selected rows; a recipe has one select stage");
        }
    }

    /**
     * Checks that the recipe names a label column ({@code dataset.label}) that the data has.
     *
     * @param why what needs it, for the message (e.g. "select: asss trains a classifier")
     */
    public static void requireLabel(Plan plan, String why) {
        if (plan.label() == null) {
            throw new RecipeException(plan.stage() + ": " + why
                    + " and needs the label column; set dataset.label in the recipe " + "(e.g. label: target)");
        }
        if (plan.dataColumns() != null && !plan.dataColumns().contains(plan.label())) {
            throw new RecipeException(plan.stage() + ": label column '" + plan.label()
                    + "' (dataset.label) is not in the data; columns are " + plan.dataColumns());
        }
    }

    /**
     * The common plan of a selector: the first select stage, embeddings if it needs them, a budget
     * that fits the data once its size is known; it produces the selection.
     */
    public static void plan(Plan plan, ai.curator.api.Budget budget, boolean needsEmbeddings) {
        requireFirstSelection(plan);
        if (needsEmbeddings) {
            plan.requireEmbeddings();
        }
        plan.rows().ifPresent(n -> budget.resolve(n));
        plan.produceSelection();
    }

    /**
     * The selection of every row with a positive count, in row order.
     *
     * @param counts draws per row (length N)
     * @param weight the weight of one copy of row {@code i}
     */
    public static Selection fromCounts(int[] counts, IntToDoubleFunction weight, String method) {
        int k = 0;
        for (int c : counts) {
            if (c > 0) {
                k++;
            }
        }
        int[] rows = new int[k];
        int[] cs = new int[k];
        double[] ws = new double[k];
        int j = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                rows[j] = i;
                cs[j] = counts[i];
                ws[j] = weight.applyAsDouble(i);
                j++;
            }
        }
        return new Selection(rows, cs, ws, method);
    }

    /**
     * A {@link Selection} from an algorithm's weighted sample, whose weights already include the
     * count: the per-copy weight is {@code weight / count}.
     */
    public static Selection fromSample(ai.curator.select.algo.WeightedSample w, String method) {
        double[] perCopy = new double[w.size()];
        for (int j = 0; j < perCopy.length; j++) {
            perCopy[j] = w.weights()[j] / w.counts()[j];
        }
        return new Selection(w.rows().clone(), w.counts().clone(), perCopy, method);
    }

    /** Rows (any order, distinct) with one copy each and the same weight, as a selection. */
    public static Selection equalWeights(int[] rows, double weight, String method) {
        int[] sorted = rows.clone();
        java.util.Arrays.sort(sorted);
        int[] counts = new int[sorted.length];
        double[] weights = new double[sorted.length];
        java.util.Arrays.fill(counts, 1);
        java.util.Arrays.fill(weights, weight);
        return new Selection(sorted, counts, weights, method);
    }
}
