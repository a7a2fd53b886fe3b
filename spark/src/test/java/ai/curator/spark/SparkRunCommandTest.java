package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.cli.CuratorCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code curator run RECIPE --engine spark --master local[2]} through the command line. */
class SparkRunCommandTest {
    @TempDir
    Path dir;

    private static int exec(StringWriter out, String... args) {
        CommandLine cl = CuratorCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        return cl.execute(args);
    }

    @Test
    void runsARecipeOnSparkAndRefusesAMasterWithoutAnEngine() throws Exception {
        StringBuilder b = new StringBuilder("id,x\n");
        for (int i = 0; i < 300; i++) {
            b.append(i).append(',').append(i % 7).append('\n');
        }
        Files.writeString(dir.resolve("t.csv"), b);
        Path r = dir.resolve("r.yaml");
        Files.writeString(
                r,
                "dataset: {path: t.csv}\nstages:\n  - select: {method: uniform, budget: 30}\n"
                        + "  - export: {formats: [parquet]}\noutput: out\n");
        StringWriter out = new StringWriter();
        assertEquals(0, exec(out, "run", r.toString(), "--engine", "spark", "--master", "local[2]"), out.toString());
        assertTrue(Files.isDirectory(dir.resolve("out/subset.parquet")), out.toString());
        assertTrue(Files.isRegularFile(dir.resolve("out/subset.parquet.provenance.json")), out.toString());

        StringWriter bad = new StringWriter();
        assertEquals(2, exec(bad, "run", r.toString(), "--master", "local[2]"));
        assertTrue(bad.toString().contains("--master local[2] needs a cluster engine"), bad.toString());
        StringWriter unwritable = new StringWriter();
        String under = dir.resolve("t.csv/out").toString(); // below a file: no directory can be made
        assertEquals(
                2, exec(unwritable, "run", r.toString(), "--engine", "spark", "--master", "local[1]", "-o", under));
        assertTrue(
                unwritable.toString().contains("Output directory '" + under + "' is not writable"),
                unwritable.toString());
        assertTrue(!unwritable.toString().contains("[spark] session"), "refused before Spark starts");
        StringWriter none = new StringWriter();
        assertEquals(2, exec(none, "run", r.toString(), "--engine", "flink"));
        assertTrue(none.toString().contains("engines: local, spark"), none.toString());
    }

    /**
     * Spark's own submit path ({@code org.apache.spark.deploy.SparkSubmit}, what {@code spark-submit}
     * runs) starting curator's command line: the master comes from spark-submit's {@code --master}.
     */
    @Test
    void sparkSubmitRunsTheCommandLineWithItsMaster() throws Exception {
        StringBuilder b = new StringBuilder("id,x\n");
        for (int i = 0; i < 200; i++) {
            b.append(i).append(',').append(i % 5).append('\n');
        }
        Files.writeString(dir.resolve("s.csv"), b);
        Path r = dir.resolve("s.yaml");
        Files.writeString(
                r,
                "dataset: {path: s.csv}\nstages:\n  - select: {method: uniform, budget: 20}\n"
                        + "  - export: {formats: [jsonl]}\noutput: submitted\n");
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : System.getProperty("curator.test.jvm.args", "").split(" ")) {
            if (!a.isBlank()) {
                cmd.add(a);
            }
        }
        cmd.addAll(java.util.List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                "local[1]",
                "--class",
                "ai.curator.cli.CuratorCli",
                "spark-internal", // no application jar: the classes are on the class path
                "run",
                r.toString(),
                "--engine",
                "spark"));
        Path log = dir.resolve("submit.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "spark-submit did not finish");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("[spark] session on local[1]"), text);
        long rows = 0;
        try (java.util.stream.Stream<Path> parts = Files.list(dir.resolve("submitted/subset.jsonl"))) {
            for (Path part : parts.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .toList()) {
                rows += Files.readAllLines(part).size();
            }
        }
        assertEquals(20, rows, text);
    }
}
