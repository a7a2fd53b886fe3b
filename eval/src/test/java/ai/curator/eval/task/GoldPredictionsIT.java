package ai.curator.eval.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.EvalTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real evaluation files, each gold answer scored as a prediction: HALO's rule and the other
 * text metrics must give 100%; on the SQL mock tables, every gold query must run.
 */
class GoldPredictionsIT {
    static Path data() {
        Path d = TestFiles.repoRoot().resolve("../shared/data").normalize();
        Assumptions.assumeTrue(Files.isDirectory(d), "needs the shared data folder beside the checkout: " + d);
        return d;
    }

    /** Σ hits and Σ total of every metric over the gold-as-prediction run. */
    static Map<String, double[]> goldScores(EvalTask task, List<EvalTask.Example> examples) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (EvalTask.Example ex : examples) {
            EvalTask.Scored s = task.score(ex, ex.reference());
            s.metrics().forEach((k, t) -> {
                double[] a = sums.computeIfAbsent(k, x -> new double[2]);
                a[0] += t.hits();
                a[1] += t.total();
            });
        }
        return sums;
    }

    private static void assertAllCorrect(String task, String split, int rows, List<String> metrics) {
        EvalTask t = EvalTask.named(task);
        EvalTask.Split sp = t.split(split);
        assertEquals(rows, sp.rows());
        List<EvalTask.Example> ex = t.examples(data().resolve(sp.file()));
        assertEquals(rows, ex.size(), task + " " + split);
        assertEquals(rows, ex.stream().map(EvalTask.Example::id).distinct().count(), "unique ids");
        Map<String, double[]> s = goldScores(t, ex);
        for (String m : metrics) {
            double[] a = s.get(m);
            assertEquals(a[1], a[0], task + " " + split + " " + m + ": " + a[0] + " of " + a[1]);
        }
        assertEquals(rows, s.get("exact")[1]);
    }

    @Test
    void gsm8kTest() {
        assertAllCorrect("gsm8k", "test", 1319, List.of("exact", "normalized", "flexible"));
    }

    @Test
    void viggoValidationAndTest() {
        List<String> all = List.of("exact", "pairs", "slot_precision", "slot_recall", "slot_f1", "act");
        assertAllCorrect("viggo", "validation", 714, all);
        assertAllCorrect("viggo", "test", 1083, all);
    }

    @Test
    void sqlValid() {
        assertAllCorrect("sql", "valid", 1000, List.of("exact", "normalized"));
    }

    @Test
    void trainSplitsReadAsExamples() {
        for (String task : List.of("gsm8k", "viggo", "sql")) {
            EvalTask t = EvalTask.named(task);
            EvalTask.Split train = t.split("train");
            List<EvalTask.Example> ex = t.examples(data().resolve(train.file()));
            assertEquals(train.rows(), ex.size(), task);
            assertTrue(
                    ex.stream()
                            .allMatch(e ->
                                    !e.promptText().isEmpty() && !e.reference().isEmpty()),
                    task);
        }
    }

    @Test
    void goldSqlExecutesOnTheMockTables() {
        SqlTask t = (SqlTask) EvalTask.named("sql");
        List<EvalTask.Example> ex = t.examples(data().resolve(t.split("mock").file()));
        assertEquals(770, ex.size());
        int ran = 0;
        int nonEmpty = 0;
        Map<String, String> errors = new TreeMap<>();
        List<String> faults = ex.stream()
                .map(EvalTask.Example::fault)
                .filter(java.util.Objects::nonNull)
                .toList();
        for (EvalTask.Example e : ex) {
            if (e.fault() != null) {
                continue;
            }
            SqlExecutor.Result r = t.runGold(e);
            if (r.ok()) {
                ran++;
                nonEmpty += r.rows().isEmpty() ? 0 : 1;
            } else {
                errors.put(e.id(), r.error() + " in: " + e.reference());
            }
        }
        System.out.printf(
                "gold SQL on the mock tables: %d of %d run (%d with a non-empty result); failures: %s;"
                        + " tables that do not fit their schema: %s%n",
                ran, ex.size(), nonEmpty, errors, faults);
        // Measured on the published file: 3 rows have mock tables that SQLite cannot load as given
        // (31141: rows for a table the context does not create; 31834: Date_Stored and date_stored,
        // one column to SQLite; 31915: a column named group), and 3 gold queries are not valid SQL
        // (sql-create-context's mangled aliases and column names: 31190, 31550, 31814).
        assertEquals(3, faults.size(), faults.toString());
        assertEquals(java.util.Set.of("31190", "31550", "31814"), errors.keySet(), errors.toString());
        assertEquals(764, ran);
        Map<String, double[]> s = goldScores(t, ex);
        assertEquals(ran, s.get("execution")[0]);
        assertEquals(ran, s.get("execution")[1]);
        assertEquals(770, s.get("exact")[0]);
    }
}
