package ai.curator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.OutputLock;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code curator run} processes into one output directory: the second fails at once
 * (exit 2) naming the first one's pid, the first finishes untouched, and a lock left by a run
 * killed with SIGKILL does not stop the next run.
 */
class ConcurrentRunsIT {
    @TempDir
    static Path dir;

    static Path recipe;

    @BeforeAll
    static void slowEnoughToOverlap() throws IOException {
        Path data = dir.resolve("data.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 200_000; i++) {
                w.write("{\"question\":\"How many apples does person " + i + " have?\",\"answer\":\"#### " + i
                        + "\"}\n");
            }
        }
        recipe = dir.resolve("r.yaml");
        Files.writeString(
                recipe,
                "seed: 5\ndataset: {path: data.jsonl}\n"
                        + "stages:\n  - select: {method: uniform, budget: 0.5}\n"
                        + "  - export: {formats: [jsonl, parquet, arrow]}\n");
    }

    private static Process start(Path out, String log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(
                        java,
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "ai.curator.cli.CuratorCli",
                        "run",
                        "-q",
                        "--force",
                        "-o",
                        out.toString(),
                        recipe.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start();
    }

    /** Waits until {@code p} has taken the lock on {@code out} (its pid is in the lock file). */
    private static void awaitLock(Process p, Path out) throws Exception {
        Path lock = out.resolve(OutputLock.FILE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(lock) && Files.readString(lock).startsWith("pid " + p.pid() + "\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("run " + p.pid() + " never took the lock (alive: " + p.isAlive() + ")");
    }

    @Test
    void secondRunFailsAtOnceNamingTheFirst() throws Exception {
        Path out = dir.resolve("race");
        Process first = start(out, "first.txt");
        awaitLock(first, out);
        Process second = start(out, "second.txt");
        assertTrue(second.waitFor(2, TimeUnit.MINUTES), "second run returned");
        String secondLog = Files.readString(dir.resolve("second.txt"));
        assertTrue(first.isAlive(), "the second run failed while the first still ran: " + secondLog);
        assertEquals(2, second.exitValue(), secondLog);
        assertTrue(secondLog.contains("error: " + out + " is in use by pid " + first.pid() + " (started "), secondLog);
        assertTrue(secondLog.contains("use another -o or wait"), secondLog);
        assertTrue(first.waitFor(5, TimeUnit.MINUTES), "first run finished");
        assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.txt")));
        assertTrue(Files.size(out.resolve("subset.parquet")) > 0);
    }

    @Test
    void lockOfAKilledRunIsRecovered() throws Exception {
        Path out = dir.resolve("killed");
        Process killed = start(out, "killed.txt");
        awaitLock(killed, out);
        killed.destroyForcibly(); // SIGKILL: no chance to release anything itself
        killed.waitFor();
        assertTrue(Files.readString(out.resolve(OutputLock.FILE)).startsWith("pid " + killed.pid() + "\n"));
        Process next = start(out, "next.txt");
        assertTrue(next.waitFor(5, TimeUnit.MINUTES), "next run finished");
        assertEquals(0, next.exitValue(), Files.readString(dir.resolve("next.txt")));
    }
}
