package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.Column;
import ai.curator.api.RecipeException;
import ai.curator.api.Stage;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every scorer passes (STYLE.md): same seed, same scores; one finite, non-negative
 * score per row under the declared column name; inputs untouched; a second scorer writing the
 * same column is rejected at plan time. A new scorer gets a subclass.
 */
public abstract class ScorerContractTest {
    protected static final int N = 300;

    /** The scorer under test, writing column {@code column}. */
    protected abstract Stage scorer(String column);

    /** Option values the scorer must reject (each a thunk that builds its options). */
    protected abstract List<Runnable> badOptions();

    protected static Table table() {
        double[] loss = new double[N];
        for (int i = 0; i < N; i++) {
            loss[i] = 0.5 + (i * 7 % 13) / 4.0;
        }
        return new Table(List.of(Column.ofDoubles("loss", loss, null)), null, null);
    }

    protected static FloatMatrix embeddings() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[N * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() + ((i / 8) % 3) * (i % 2));
        }
        return new FloatMatrix(N, 8, x);
    }

    private double[] score(long seed, FloatMatrix x, Table t) {
        StageHarness h = new StageHarness(t, seed, null).embeddings(x).run(scorer("s"));
        return h.scores().get("s");
    }

    @Test
    void sameSeedSameScores() {
        assertArrayEquals(score(3, embeddings(), table()), score(3, embeddings(), table()));
    }

    @Test
    void oneFiniteNonNegativeScorePerRow() {
        double[] s = score(1, embeddings(), table());
        assertEquals(N, s.length);
        for (double v : s) {
            assertTrue(Double.isFinite(v) && v >= 0, "score " + v);
        }
    }

    @Test
    void inputsAreNotMutated() {
        FloatMatrix x = embeddings();
        float[] before = x.data().clone();
        Table t = table();
        List<String> snapshot = new ArrayList<>();
        for (int r = 0; r < N; r++) {
            snapshot.add(t.column("loss").text(r));
        }
        score(2, x, t);
        assertArrayEquals(before, x.data());
        for (int r = 0; r < N; r++) {
            assertEquals(snapshot.get(r), t.column("loss").text(r));
        }
    }

    @Test
    void theSameColumnTwiceIsRejected() {
        StageHarness h = new StageHarness(table(), 1, null).embeddings(embeddings());
        h.putScore("s", new double[N]);
        assertThrows(RecipeException.class, () -> scorer("s").plan(h.plan()));
    }

    @Test
    void badOptionsAreRejected() {
        for (Runnable r : badOptions()) {
            assertThrows(IllegalArgumentException.class, r::run);
        }
    }
}
