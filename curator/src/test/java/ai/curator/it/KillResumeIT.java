package ai.curator.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code curator run} with SIGKILL while it writes a stage's cache and again while it
 * writes the outputs, then reruns it: the outputs must be byte-identical to an uninterrupted
 * run's, and no kill may leave a final-named file with partial content.
 */
class KillResumeIT {
    private static final String[] OUTPUTS = {"subset.jsonl", "subset.parquet", "subset.arrow"};

    @TempDir
    static Path dir;

    static Path recipe;

    @BeforeAll
    static void bigEnoughToKillMidStage() throws IOException {
        Path data = dir.resolve("data.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 300_000; i++) {
                w.write("{\"question\":\"How many apples does person " + i + " have after buying " + (i % 97)
                        + " more?\",\"answer\":\"They have " + (i * 3 % 1000) + " apples.\\n#### " + (i % 1000)
                        + "\"}\n");
            }
        }
        recipe = dir.resolve("r.yaml");
        Files.writeString(
                recipe,
                "seed: 5\ndataset: {path: data.jsonl, text: \"{question}\"}\n"
                        + "stages:\n  - select: {method: uniform, budget: 0.5, replace: true}\n"
                        + "  - export: {formats: [jsonl, parquet, arrow]}\n");
    }

    private static Process start(Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "ai.curator.cli.CuratorCli",
                "run",
                "-q",
                "-o",
                out.toString(),
                recipe.toString()));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + out.getFileName() + ".txt").toFile())
                .start();
    }

    private static void runToEnd(Path out) throws Exception {
        Process p = start(out);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "run finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("log-" + out.getFileName() + ".txt")));
    }

    /** Starts a run and SIGKILLs it as soon as a temporary file matching {@code where} appears. */
    private static boolean killWhenWriting(Path out, Predicate<Path> where) throws Exception {
        Process p = start(out);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline) {
            Optional<Path> tmp = findTemp(out, where);
            if (tmp.isPresent()) {
                p.destroyForcibly(); // SIGKILL on Linux
                p.waitFor();
                return true;
            }
            Thread.sleep(2);
        }
        p.waitFor();
        return false;
    }

    private static Optional<Path> findTemp(Path out, Predicate<Path> where) throws IOException {
        if (!Files.exists(out)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(f -> f.getFileName().toString().contains(AtomicFiles.TMP_MARK))
                    .filter(where)
                    .findFirst();
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            return Optional.empty(); // a file vanished while walking: try again
        }
    }

    @Test
    void killedRunsResumeToIdenticalOutputs() throws Exception {
        Path reference = dir.resolve("reference");
        runToEnd(reference);
        Path out = dir.resolve("killed");
        boolean killedInCache =
                killWhenWriting(out, f -> f.toString().contains(File.separator + ".work" + File.separator));
        assertOnlyWholeOutputs(reference, out);
        boolean killedInExport = killWhenWriting(
                out,
                f -> f.getParent().equals(out) && f.getFileName().toString().startsWith(".subset."));
        assertOnlyWholeOutputs(reference, out);
        assertTrue(killedInCache || killedInExport, "at least one kill landed mid-write");
        runToEnd(out);
        for (String f : OUTPUTS) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(
                    0,
                    s.filter(f -> f.getFileName().toString().contains(AtomicFiles.TMP_MARK))
                            .count(),
                    "the rerun cleaned up the killed runs' temporary files");
        }
        System.out.printf("KillResumeIT: killed in cache write: %s, in export: %s%n", killedInCache, killedInExport);
    }

    /** Every output that exists after a kill is complete: byte-identical to the reference. */
    private static void assertOnlyWholeOutputs(Path reference, Path out) throws IOException {
        for (String f : OUTPUTS) {
            Path p = out.resolve(f);
            if (Files.exists(p)) {
                assertArrayEquals(Files.readAllBytes(reference.resolve(f)), Files.readAllBytes(p), f + " after a kill");
            }
        }
    }
}
