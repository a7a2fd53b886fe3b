package ai.curator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a stage that does not poll runs (here the load stage): the JVM exits at once, as
 * before, but with exit 143 and the one line naming the stage; the rerun then finishes.
 */
class InterruptIT {
    @TempDir
    Path dir;

    private Process start(Path recipe, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(
                        java,
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "ai.curator.cli.CuratorCli",
                        "run",
                        "-o",
                        dir.resolve("out").toString(),
                        recipe.toString()))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    void sigtermDuringLoadNamesTheStageAndExits143() throws Exception {
        Path data = dir.resolve("data.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 1_500_000; i++) {
                w.write("{\"question\":\"How many apples does person " + i + " have?\",\"answer\":\"#### " + i
                        + "\"}\n");
            }
        }
        Path recipe = dir.resolve("r.yaml");
        Files.writeString(
                recipe, "dataset: {path: data.jsonl}\nstages:\n  - select: {method: uniform, budget: 5}\n  - export\n");
        Path log = dir.resolve("log.txt");
        Process p = start(recipe, log);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (p.isAlive() && !Files.readString(log).contains("recipe r, seed") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // the load of 1.5 M rows takes seconds on a quiet machine; 1.5 s is well inside it and past the
        // start-up even on a loaded one (300 ms was not: the CI machine sharing two cores with a benchmark)
        Thread.sleep(1500);
        assertTrue(p.isAlive(), "still loading when signalled: " + Files.readString(log));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        String text = Files.readString(log);
        assertEquals(143, p.exitValue(), text);
        assertTrue(
                text.contains("curator: interrupted (SIGTERM) during [load]; finished stages are cached: rerun the"
                        + " same command to resume"),
                text);
        Process again = start(recipe, dir.resolve("again.txt"));
        assertTrue(again.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, again.exitValue(), Files.readString(dir.resolve("again.txt")));
    }
}
