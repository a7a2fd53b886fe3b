package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's {@code --add-opens}: the launcher passes them, and a JVM without them is refused up front. */
class SparkJvmTest {
    @TempDir
    Path dir;

    @Test
    void theTestJvmHasEverySparkOpen() {
        assertEquals(List.of(), SparkJvm.missingOpens());
    }

    @Test
    void theLauncherScriptPassesEverySparkOpen() throws Exception {
        String script = Files.readString(Path.of("..", "scripts", "curator"));
        for (String o : SparkJvm.options()) {
            if (o.startsWith("--add-opens=")) {
                assertTrue(script.contains(o), "scripts/curator lacks " + o);
            }
        }
    }

    /**
     * The JVM options of one machine only ({@code java.nio}): {@code curator run --engine spark} exits 2
     * naming the missing options before a Spark session starts (before this check, Spark ran until it
     * first spilled a cached block to disk, 5 minutes into a 10^7-row run, and stopped there).
     */
    @Test
    void aJvmWithoutSparksOpensIsRefusedBeforeTheSession() throws Exception {
        StringBuilder b = new StringBuilder("id,x\n");
        for (int i = 0; i < 50; i++) {
            b.append(i).append(',').append(i % 3).append('\n');
        }
        Files.writeString(dir.resolve("t.csv"), b);
        Path r = dir.resolve("r.yaml");
        Files.writeString(
                r,
                "dataset: {path: t.csv}\nstages:\n  - select: {method: uniform, budget: 5}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out\n");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-modules=jdk.incubator.vector",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "ai.curator.cli.CuratorCli",
                "run",
                r.toString(),
                "--engine",
                "spark",
                "--master",
                "local[1]"));
        Path log = dir.resolve("run.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "curator run did not finish");
        String text = Files.readString(log);
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("this JVM lacks"), text);
        assertTrue(text.contains("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"), text);
        assertTrue(text.contains("scripts/curator or spark-submit"), text);
        assertFalse(text.contains("[spark] session"), text);
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }
}
