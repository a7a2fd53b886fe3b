package ai.curator.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals {@code curator run} while the embed stage runs ONNX Runtime on the bundled GSM8K rows
 * (issue 16: SIGTERM used to crash the JVM inside libonnxruntime, exit 134 and an hs_err file).
 * The run must stop between batches with the sessions closed: exit 143 (SIGTERM) or 130
 * (SIGINT), one line naming the stage and saying a rerun resumes, and no crash file.
 */
class EmbedInterruptIT {
    @TempDir
    Path dir;

    /** The child's own temporary folder, to see what ONNX Runtime leaves there. */
    private Path tmp() throws Exception {
        return Files.createDirectories(dir.resolve("tmp"));
    }

    private void assertNoOrtLeftovers() throws Exception {
        try (Stream<Path> s = Files.list(tmp())) {
            assertEquals(
                    List.of(),
                    s.map(f -> f.getFileName().toString()).toList(),
                    "ONNX Runtime's unpacked libraries (onnxruntime-java*) are removed at exit");
        }
    }

    private Process start(Path recipe, Path out, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dai.djl.offline=true",
                "-Djava.io.tmpdir=" + tmp()));
        if (System.getProperty("curator.cache.dir") != null) {
            cmd.add("-Dcurator.cache.dir=" + System.getProperty("curator.cache.dir"));
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "ai.curator.cli.CuratorCli",
                "run",
                "--force",
                "-o",
                out.toString(),
                recipe.toString()));
        return new ProcessBuilder(cmd)
                .directory(dir.toFile()) // where the JVM would leave hs_err_pid*.log
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Starts a run, waits until its embed stage is under way, sends {@code signal}; returns the log. */
    private String interrupt(String signal, int expectedExit) throws Exception {
        Path data = TestFiles.repoRoot().resolve("data/gsm8k/train-1k.jsonl");
        Path recipe = TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: " + data + ", text: \"{question}\"}\nstages:\n  - embed: {model: bge-small-en}\n"
                        + "  - select: {method: uniform, budget: 10}\n  - export\n");
        Path log = dir.resolve("log-" + signal + ".txt");
        Process p = start(recipe, dir.resolve("out"), log);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && !Files.readString(log).contains("[load]") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(3000); // the model loads and the first batches run
        assertTrue(p.isAlive(), "still embedding when signalled: " + Files.readString(log));
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                .inheritIO()
                .start()
                .waitFor();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "stopped");
        String text = Files.readString(log);
        assertEquals(expectedExit, p.exitValue(), text);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(
                    List.of(),
                    s.map(f -> f.getFileName().toString())
                            .filter(f -> f.startsWith("hs_err"))
                            .toList(),
                    "no JVM crash file: " + text);
        }
        assertFalse(text.contains("A fatal error has been detected"), text);
        assertNoOrtLeftovers();
        return text;
    }

    @Test
    void sigtermStopsTheEmbedStageCleanly() throws Exception {
        String log = interrupt("TERM", 143);
        assertTrue(
                log.contains("curator: interrupted (SIGTERM) during [1/3 embed encoder]; finished stages are cached:"
                        + " rerun the same command to resume"),
                log);
        assertFalse(log.contains("done in"), log);
    }

    /**
     * Whether this process ignores SIGINT (its child inherits that): a job started in the
     * background by a non-interactive shell does, and a JVM then installs no handler for it, as
     * no Ctrl-C can reach such a job. Read from {@code /proc/self/status} (SigIgn, bit 1).
     */
    static boolean sigintIgnoredHere() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0b10) != 0;
            }
        }
        return false;
    }

    @Test
    void sigintStopsTheEmbedStageCleanly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                sigintIgnoredHere(),
                "SIGINT is ignored in this process (started as a background job), so the child JVM"
                        + " inherits that and cannot be interrupted by it; SIGTERM is tested instead");
        String log = interrupt("INT", 130);
        assertTrue(log.contains("curator: interrupted (SIGINT) during [1/3 embed encoder]"), log);
    }

    @Test
    void aFinishedEncoderRunLeavesNothingInTheTemporaryFolder() throws Exception {
        TestFiles.qa(dir, "small.jsonl", 5);
        Path recipe = TestFiles.write(
                dir,
                "small.yaml",
                "dataset: {path: small.jsonl, text: \"{question}\"}\nstages:\n  - embed: {model: minilm-l6}\n"
                        + "  - select: {method: uniform, budget: 2}\n  - export\n");
        Path log = dir.resolve("log-small.txt");
        Process p = start(recipe, dir.resolve("out-small"), log);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertNoOrtLeftovers();
    }
}
