package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input to {@code tabular}: clear messages and exit 2, or the documented behaviour. */
class TabularBenchCommandTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = new CommandLine(new TabularBenchCommand());
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(e));
        int code = cl.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    /** Two well-separated classes (and optionally a third with {@code rare} rows) in a TSV. */
    private Path tsv(String name, int n, int rare, boolean text) throws IOException {
        StringBuilder b = new StringBuilder(text ? "a\tb\tcolour\ttarget\n" : "a\tb\ttarget\n");
        for (int i = 0; i < n + rare; i++) {
            int y = i >= n ? 2 : i % 2;
            b.append(y * 3 + Math.sin(i))
                    .append('\t')
                    .append(Math.cos(i))
                    .append(text ? "\tred" : "")
                    .append('\t')
                    .append(y)
                    .append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, b.toString());
        return p;
    }

    private String[] fast(Path data, String... more) {
        String[] base = {
            "--data",
            data.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--folds",
            "2",
            "--repeats",
            "1",
            "--epochs",
            "2",
            "--hidden",
            "8,4",
            "--batch-size",
            "16",
            "--methods",
            "full,uniform",
            "--workers",
            "1",
            "-q"
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void singleClassIsRejected() throws IOException {
        Path p = dir.resolve("one.tsv");
        Files.writeString(p, "a\ttarget\n1\t0\n2\t0\n3\t0\n4\t0\n");
        assertEquals(2, run(fast(p)));
        assertTrue(err.contains("single class (0)"), err);
    }

    @Test
    void missingLabelColumnIsRejected() throws IOException {
        assertEquals(2, run(fast(tsv("d.tsv", 40, 0, false), "--label", "class")));
        assertTrue(err.contains("Label column 'class' is not in") && err.contains("--label"), err);
    }

    @Test
    void nonNumericColumnIsRejected() throws IOException {
        assertEquals(2, run(fast(tsv("d.tsv", 40, 0, true))));
        assertTrue(err.contains("Non-numeric feature column(s)") && err.contains("colour"), err);
    }

    @Test
    void budgetLeavingAClassEmptyIsRejected() throws IOException {
        assertEquals(2, run(fast(tsv("d.tsv", 40, 0, false), "--budget", "0.02")));
        assertTrue(err.contains("fewer than the 2 classes") && err.contains("raise --budget"), err);
    }

    @Test
    void classWithFewerRowsThanFoldsIsWarnedAboutAndRuns() throws IOException {
        assertEquals(0, run(fast(tsv("d.tsv", 60, 1, false))), err);
        Path md = dir.resolve("out/d.md");
        assertTrue(Files.exists(md));
        String report = Files.readString(md);
        assertTrue(report.contains("classes with fewer rows than folds (2): [2 (1 rows)]"), report);
        assertTrue(report.contains("| uniform |"), report);
        for (String f : new String[] {"d-folds.csv", "d-summary.csv", "d.json", "d-prr.png"}) {
            assertTrue(Files.size(dir.resolve("out").resolve(f)) > 0, f);
        }
    }

    @Test
    void defaultWorkersAreCoresCappedByMemoryPerHeapLimit() {
        long g = 1L << 30;
        assertEquals(2, TabularBenchCommand.defaultWorkers(2, 8 * g, 24 * g));
        assertEquals(3, TabularBenchCommand.defaultWorkers(16, 8 * g, 24 * g), "three 8 GiB heaps fit in 24 GiB");
        assertEquals(1, TabularBenchCommand.defaultWorkers(16, 32 * g, 24 * g), "at least one");
        assertEquals(16, TabularBenchCommand.defaultWorkers(16, 8 * g, 0), "memory unknown: cores decide");
    }

    @Test
    void idColumnIsNotAFeature() throws IOException {
        Path p = dir.resolve("ids.csv");
        StringBuilder b = new StringBuilder("ID,a,target\n");
        for (int i = 0; i < 40; i++) {
            b.append(i + 1)
                    .append(',')
                    .append(i % 2 * 3 + Math.sin(i))
                    .append(',')
                    .append(i % 2)
                    .append('\n');
        }
        Files.writeString(p, b.toString());
        assertEquals(0, run(fast(p, "--id", "ID")), err);
        assertTrue(out.contains("40 rows, 1 features, 2 classes"), out);
        assertEquals(2, run(fast(p, "--id", "row")));
        assertTrue(err.contains("dataset.id names column 'row'") && err.contains("[ID, a, target]"), err);
    }

    @Test
    void unknownMethodAndBadBudgetAreUsageErrors() throws IOException {
        Path p = tsv("d.tsv", 40, 0, false);
        assertEquals(2, run("--data", p.toString(), "--methods", "magic"));
        assertTrue(err.contains("Unknown method 'magic'"), err);
        assertEquals(2, run("--data", p.toString(), "--budget", "1.5"));
        assertTrue(err.contains("budget must be a ratio in (0, 1]"), err);
        Path tiny = dir.resolve("tiny.tsv");
        Files.writeString(tiny, "a\ttarget\n1\t0\n2\t1\n3\t0\n4\t1\n");
        assertEquals(2, run("--data", tiny.toString(), "--folds", "5"));
        assertTrue(err.contains("--folds (5) must not exceed the rows of") && err.contains("(4)"), err);
        assertEquals(2, run("--data", p.toString(), "--workers", "-1"));
        assertTrue(err.contains("--workers must be >= 0 (0: one per core), got -1"), err);
    }
}
