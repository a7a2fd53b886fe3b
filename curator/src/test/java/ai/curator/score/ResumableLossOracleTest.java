package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.DataException;
import ai.curator.api.Table;
import ai.curator.score.ResumableLossOracle.Item;
import ai.curator.score.ResumableLossOracle.PartialFailure;
import ai.curator.score.ResumableLossOracle.Scored;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batching, concurrency and keeping of {@link ResumableLossOracle}, around an in-JVM batch scorer. */
class ResumableLossOracleTest {
    @TempDir
    Path dir;

    private static final TemplatePromptResponse TEXTS =
            TemplatePromptResponse.of("Question: {question}\nAnswer:", " {answer}", "test");

    /** A loss that depends on the row's text only: its response's length. */
    private static Scored lengthLoss(Item it) {
        return new Scored(
                it.response().length() / 10.0,
                it.prompt().length() + it.response().length());
    }

    private ResumableLossOracle oracle(Table t, Path work, int batch, int threads, ResumableLossOracle.BatchScorer s) {
        StageHarness h = new StageHarness(t, 1, work);
        return new ResumableLossOracle(h, "test", TEXTS, LossCache.open(work, "test", "x"), batch, threads, s);
    }

    @Test
    void lossesDoNotDependOnBatchingOrConcurrency() {
        Table t = OpenAiLossSourceTest.table(50);
        int[] rows = IntStream.range(0, 50).map(i -> (i * 17) % 50).toArray(); // any order
        double[] a = oracle(t, dir.resolve("a"), 1, 1, b -> b.stream()
                        .map(ResumableLossOracleTest::lengthLoss)
                        .toList())
                .losses(rows);
        Map<Integer, Integer> sizes = new ConcurrentHashMap<>();
        double[] b = oracle(t, dir.resolve("b"), 7, 5, batch -> {
                    sizes.merge(batch.size(), 1, Integer::sum);
                    return batch.stream()
                            .map(ResumableLossOracleTest::lengthLoss)
                            .toList();
                })
                .losses(rows);
        assertArrayEquals(a, b);
        assertEquals(Map.of(7, 7, 1, 1), sizes, "50 rows: seven batches of 7 and one of 1");
        for (int j = 0; j < rows.length; j++) {
            assertEquals((" " + t.column("answer").text(rows[j])).length() / 10.0, a[j]);
        }
    }

    @Test
    void aPartlyScoredBatchKeepsItsFirstRowsAndABadLossNamesTheRow() {
        Table t = OpenAiLossSourceTest.table(6);
        List<String> seen = new ArrayList<>();
        var e = assertThrows(DataException.class, () -> oracle(t, dir, 3, 1, batch -> {
                    List<Scored> out = new ArrayList<>();
                    for (Item it : batch) {
                        if (it.id().equals("q4")) {
                            throw new PartialFailure(out, new DataException(it.where() + ": too long"));
                        }
                        seen.add(it.id());
                        out.add(lengthLoss(it));
                    }
                    return out;
                })
                .losses(IntStream.range(0, 6).toArray()));
        assertTrue(
                e.getMessage().startsWith("row id 'q4' (line 5): too long (4 losses fetched so far are kept"),
                e.getMessage());
        seen.clear();
        double[] got = oracle(t, dir, 3, 1, batch -> {
                    batch.forEach(it -> seen.add(it.id()));
                    return batch.stream()
                            .map(ResumableLossOracleTest::lengthLoss)
                            .toList();
                })
                .losses(IntStream.range(0, 6).toArray());
        assertEquals(List.of("q4", "q5"), seen);
        assertEquals(6, got.length);

        var nan = assertThrows(DataException.class, () -> oracle(t, dir.resolve("n"), 2, 1, batch -> batch.stream()
                        .map(it -> new Scored(it.id().equals("q1") ? Double.NaN : 1, 1))
                        .toList())
                .losses(new int[] {0, 1}));
        assertTrue(nan.getMessage().startsWith("loss source test gave NaN for row id 'q1' (line 2)"), nan.getMessage());
    }
}
