package ai.curator.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Column;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.Table;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract every selector passes (STYLE.md): same seed, same subset; a subset of the input
 * within budget; the input untouched; bad budgets rejected at plan time. A new selector gets a
 * subclass that says how to build it at a budget.
 */
public abstract class SelectorContractTest {
    protected static final int N = 200;

    /** The selector at {@code budget}. */
    protected abstract Stage selector(Budget budget);

    /** Whether the selector draws with replacement (then distinct rows may be fewer than draws). */
    protected boolean withReplacement() {
        return false;
    }

    /** The input: N rows, a text and a numeric column. */
    protected Table table() {
        String[] text = new String[N];
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            text[i] = "row " + i;
            x[i] = Math.sin(i) * 10;
        }
        return new Table(List.of(Column.ofStrings("text", text), Column.ofDoubles("x", x, null)), null, null);
    }

    /** Adds whatever upstream products (scores, …) the selector needs. */
    protected StageHarness prepare(StageHarness h) {
        return h;
    }

    private Selection select(Table t, Budget b, long seed) {
        return prepare(new StageHarness(t, seed, null))
                .run(selector(b))
                .selection()
                .orElseThrow();
    }

    @Test
    void sameSeedSameSubset() {
        Table t = table();
        assertEquals(select(t, Budget.ofCount(20), 7), select(t, Budget.ofCount(20), 7));
    }

    @Test
    void differentSeedsUsuallyDiffer() {
        Table t = table();
        List<Selection> s = new ArrayList<>();
        for (long seed = 0; seed < 3; seed++) {
            s.add(select(t, Budget.ofCount(20), seed));
        }
        assertTrue(
                !s.get(0).equals(s.get(1)) || !s.get(1).equals(s.get(2)) || deterministicMethod(),
                "three seeds gave the same subset");
    }

    /** Whether the selector keeps exactly the budget (k-means may keep fewer: empty clusters). */
    protected boolean exactBudget() {
        return true;
    }

    /** Embeddings for the table: N points in 3 well-spread dimensions. */
    protected static ai.curator.linalg.FloatMatrix embeddings() {
        float[] x = new float[N * 3];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(99);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() + (i % 3 == 0 ? (i / 3) % 4 : 0);
        }
        return new ai.curator.linalg.FloatMatrix(N, 3, x);
    }

    /** A positive, non-constant score per row, for selectors that read a score column. */
    protected static double[] sigma() {
        double[] s = new double[N];
        for (int i = 0; i < N; i++) {
            s[i] = 1 + (i * 37 % 11);
        }
        return s;
    }

    /** Methods with no randomness (top-M, k-center from a fixed start) override this to true. */
    protected boolean deterministicMethod() {
        return false;
    }

    @Test
    void subsetOfInputWithinBudget() {
        for (int budget : new int[] {1, 20, N}) {
            Selection s = select(table(), Budget.ofCount(budget), 3);
            for (int r : s.rows()) {
                assertTrue(r >= 0 && r < N);
            }
            if (withReplacement()) {
                assertEquals(budget, s.draws());
                assertTrue(s.size() <= budget);
            } else if (exactBudget()) {
                assertEquals(budget, s.size());
            } else {
                assertTrue(s.size() <= budget && s.size() >= 1, "size " + s.size() + " for budget " + budget);
            }
            for (double w : s.weights()) {
                assertTrue(w > 0 && Double.isFinite(w));
            }
        }
        Selection tenth = select(table(), Budget.ofRatio(0.1), 1);
        long got = withReplacement() ? tenth.draws() : tenth.size();
        assertTrue(exactBudget() ? got == N / 10 : got <= N / 10, "ratio 0.1 of " + N + " gave " + got);
    }

    @Test
    void inputIsNotMutated() {
        Table t = table();
        List<String> before = snapshot(t);
        select(t, Budget.ofCount(50), 1);
        assertEquals(before, snapshot(t));
    }

    @Test
    void budgetLargerThanDataFailsAtPlanTime() {
        Plan plan = prepare(new StageHarness(table(), 0, null)).plan();
        RuntimeException e = assertThrows(
                RuntimeException.class, () -> selector(Budget.ofCount(N + 1)).plan(plan));
        assertTrue(e instanceof IllegalArgumentException || e instanceof RecipeException, e.toString());
        assertTrue(e.getMessage().contains("larger than the data set"), e.getMessage());
    }

    @Test
    void secondSelectStageIsRejected() {
        Plan plan = prepare(new StageHarness(table(), 0, null)).plan();
        plan.produceSelection();
        assertThrows(RecipeException.class, () -> selector(Budget.ofCount(5)).plan(plan));
    }

    private static List<String> snapshot(Table t) {
        List<String> out = new ArrayList<>();
        for (Column c : t.columns()) {
            for (int r = 0; r < t.rows(); r++) {
                out.add(c.text(r));
            }
        }
        return out;
    }
}
