package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.eval.metrics.Metrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static TabularBench.Row row(int fold, String method, double acc, double f1, double auc, Metrics full) {
        return new TabularBench.Row(0, fold, method, 10, new Metrics(acc, f1, auc), full, 0, 1, 2, 1, null);
    }

    @Test
    void pairedDifferencesAreTakenPerSplitAgainstTheReference() {
        Metrics full0 = new Metrics(0.8, 0.5, 0.9);
        Metrics full1 = new Metrics(0.8, 0.5, 0.9);
        List<TabularBench.Row> rows = List.of(
                row(0, "full", 0.8, 0.5, 0.9, full0),
                row(0, "uniform", 0.8, 0.40, 0.9, full0),
                row(0, "a", 0.72, 0.45, 0.9, full0),
                row(1, "full", 0.8, 0.5, 0.9, full1),
                row(1, "uniform", 0.8, 0.50, 0.9, full1),
                row(1, "a", 0.8, 0.55, 0.9, full1),
                row(2, "full", 0.8, 0.5, 0.9, full1),
                row(2, "a", 0.4, 0.05, 0.9, full1)); // split 2: no uniform row, left out
        String md =
                BenchReport.pairedMarkdown(new TabularBench.Result(rows, Map.of(), 100, 30, 1, List.of()), "uniform");
        // F1 PRR: a 0.9 vs 0.8 and 1.1 vs 1.0 -> +10, +10; AUC equal; accuracy 0.9 vs 1.0 and 1.0 vs 1.0 -> -10, 0
        String line = md.lines().filter(l -> l.startsWith("| a |")).findFirst().orElseThrow();
        assertEquals("| a | **+10.0 ± 0.0** | 2/2 | +0.0 ± 0.0 | 0/2 | -5.0 ± 7.1 | 0/2 |", line);
        assertTrue(md.lines().noneMatch(l -> l.startsWith("| full |") || l.startsWith("| uniform |")), md);
        assertEquals(
                "",
                BenchReport.pairedMarkdown(new TabularBench.Result(rows, Map.of(), 100, 30, 1, List.of()), "k_means"));
    }
}
