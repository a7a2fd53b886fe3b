package ai.curator.eval.bench.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.RecipeException;
import ai.curator.cli.CuratorCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CoresetBenchTest {
    @TempDir
    Path dir;

    /** 300 rows: ID, 8 features from two shifted Gaussian blobs, label = blob (about 30 % ones). */
    private Path data() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        StringBuilder b = new StringBuilder("ID,f1,f2,f3,f4,f5,f6,f7,f8,default payment next month\n");
        for (int i = 0; i < 300; i++) {
            int y = r.nextDouble() < 0.3 ? 1 : 0;
            b.append(i + 1);
            for (int j = 0; j < 8; j++) {
                b.append(',')
                        .append(String.format(
                                Locale.ROOT, "%.4f", r.nextGaussian() * (j + 1) + (y == 1 && j < 3 ? 1.5 : 0)));
            }
            b.append(',').append(y).append('\n');
        }
        Path p = dir.resolve("data.csv");
        Files.writeString(p, b);
        return p;
    }

    private CoresetBench.Options small(Path data, List<Integer> sizes, int trials) {
        return new CoresetBench.Options(
                data,
                "ID",
                "default payment next month",
                sizes,
                trials,
                1,
                3,
                1,
                0.2,
                true,
                3,
                5,
                1,
                0.2,
                1,
                false,
                42,
                dir.resolve("out"));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void runsEndToEndAndWritesItsFiles() throws Exception {
        CoresetBench.Options o = small(data(), List.of(20, 40), 3);
        CoresetBench.Report r = CoresetBench.run(o, quiet());
        assertEquals(300, r.rows());
        assertEquals(8, r.features().size(), "ID and label are not features");
        assertEquals(240, r.trainRows());
        assertEquals(60, r.testRows());
        assertEquals(3 * 2, r.error().size(), "uniform, clustering, low-rank × 2 sizes");
        assertEquals(5 * 2, r.accuracy().size(), "uniform, clustering, two low-rank modes, full × 2 sizes");
        for (CoresetBench.Cell c : r.error()) {
            assertTrue(Double.isFinite(c.mean()) && c.mean() >= 0, c.method());
            assertEquals(c.relativeMean(), c.mean() / r.totalSquaredNorm(), 1e-12);
        }
        for (CoresetBench.Cell c : r.accuracy()) {
            assertTrue(c.mean() > 0 && c.mean() <= 1, c.method() + " " + c.mean());
        }
        List<Path> files = CoresetReport.write(r, o.out());
        for (String f : List.of(CoresetReport.MARKDOWN, CoresetReport.CSV, CoresetReport.JSON, CoresetReport.PNG)) {
            assertTrue(Files.size(o.out().resolve(f)) > 0, f);
        }
        assertEquals(4, files.size());
        assertEquals(
                1 + 6 + 10,
                Files.readAllLines(o.out().resolve(CoresetReport.CSV)).size());
        String md = Files.readString(o.out().resolve(CoresetReport.MARKDOWN));
        assertTrue(md.contains("### (a) Coreset error") && md.contains("### (b) Test accuracy"), md);
        assertTrue(md.contains("| paper, s = 5000 | ~67 | ~70 | ~74 | – | – |"), md);
        byte[] png = Files.readAllBytes(o.out().resolve(CoresetReport.PNG));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        try (var s = Files.list(o.out())) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary files left");
        }
    }

    @Test
    void sameSeedSameNumbers() throws Exception {
        Path d = data();
        CoresetBench.Report a = CoresetBench.run(small(d, List.of(30), 4), quiet());
        CoresetBench.Report b = CoresetBench.run(small(d, List.of(30), 4), quiet());
        for (int i = 0; i < a.error().size(); i++) {
            assertArrayEquals(a.error().get(i).values(), b.error().get(i).values());
        }
        for (int i = 0; i < a.accuracy().size(); i++) {
            assertArrayEquals(a.accuracy().get(i).values(), b.accuracy().get(i).values());
        }
    }

    @Test
    void splitIsStratifiedAndCoversEveryRowOnce() {
        int[] y = new int[100];
        for (int i = 0; i < 30; i++) {
            y[i] = 1;
        }
        int[][] s = CoresetBench.split(y, 0.2, true, new SplittableRandom(1));
        assertEquals(80, s[0].length);
        assertEquals(20, s[1].length);
        assertEquals(6, java.util.Arrays.stream(s[1]).map(i -> y[i]).sum(), "20 % of the 30 positives");
        int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(s[0]), java.util.Arrays.stream(s[1]))
                .sorted()
                .toArray();
        assertArrayEquals(java.util.stream.IntStream.range(0, 100).toArray(), all);
    }

    @Test
    void optionsRejectBadValues() throws Exception {
        Path d = data();
        IllegalArgumentException trials = assertThrows(IllegalArgumentException.class, () -> small(d, List.of(20), 0));
        assertEquals("--trials must be >= 1, got 0", trials.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> small(d, List.of(20, 0), 2));
        assertEquals("--sizes must all be >= 1, got 0", size.getMessage());
        RecipeException big =
                assertThrows(RecipeException.class, () -> CoresetBench.run(small(d, List.of(20, 241), 2), quiet()));
        assertTrue(
                big.getMessage().contains("coreset size 241 is larger than the training set (240 of 300 rows"),
                big.getMessage());
    }

    record Exec(int code, String out, String err) {}

    private static Exec exec(String... args) {
        CommandLine cl = CuratorCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Exec(code, out.toString(), err.toString());
    }

    @Test
    void cliExitsTwoOnBadOptions() throws Exception {
        Path d = data();
        Exec zero = exec("bench", "coreset", "--data", d.toString(), "--trials", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--trials must be >= 1, got 0"), zero.err());
        assertTrue(zero.err().contains("Usage:"), "usage follows a usage error");
        Exec big = exec(
                "bench",
                "coreset",
                "--data",
                d.toString(),
                "--sizes",
                "10,5000",
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, big.code());
        assertTrue(big.err().contains("coreset size 5000 is larger than the training set"), big.err());
        assertFalse(big.err().contains("at ai.curator"), "no stack trace");
        Exec missing =
                exec("bench", "coreset", "--data", dir.resolve("nope.csv").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.csv' does not exist"), missing.err());
        Exec split = exec("bench", "coreset", "--split", "random");
        assertEquals(2, split.code());
        assertTrue(split.err().contains("--split must be stratified or plain, got 'random'"), split.err());
    }

    @Test
    void cliRunsAndPrintsTheTable() throws Exception {
        Exec ok = exec(
                "bench",
                "coreset",
                "--data",
                data().toString(),
                "--sizes",
                "20",
                "--trials",
                "2",
                "--cluster-trials",
                "1",
                "--cluster-iterations",
                "2",
                "--rank",
                "3",
                "--out",
                dir.resolve("o").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("| 20 |"), ok.out());
        assertTrue(ok.out().contains("wall time"), ok.out());
        assertTrue(Files.exists(dir.resolve("o").resolve(CoresetReport.PNG)));
    }
}
