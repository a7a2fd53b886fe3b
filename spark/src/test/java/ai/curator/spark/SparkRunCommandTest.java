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
        StringWriter none = new StringWriter();
        assertEquals(2, exec(none, "run", r.toString(), "--engine", "flink"));
        assertTrue(none.toString().contains("engines: local, spark"), none.toString());
    }
}
