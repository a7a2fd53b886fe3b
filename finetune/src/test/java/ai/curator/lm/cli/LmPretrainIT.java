package ai.curator.lm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.cli.CuratorCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curator lm pretrain} for real on ~300 KB of the shared pre-training text (Project
 * Gutenberg; skipped when {@code shared/data/pretrain_text} is absent): a tiny model learns
 * (validation loss falls), the output loads and generates, two runs are byte-identical, and a run
 * killed after a checkpoint resumes to the same weights.
 */
class LmPretrainIT {
    @TempDir
    Path dir;

    static Path corpus() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("shared/data/pretrain_text/gutenberg_01.txt.gz"))) {
            p = p.getParent();
        }
        Assumptions.assumeTrue(
                p != null,
                "shared/data/pretrain_text/gutenberg_01.txt.gz not found above "
                        + Path.of("").toAbsolutePath());
        return p.resolve("shared/data/pretrain_text/gutenberg_01.txt.gz");
    }

    private Path text() throws Exception {
        Path out = dir.resolve("excerpt.txt");
        if (!Files.exists(out)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(corpus()))) {
                Files.write(out, in.readNBytes(300_000));
            }
        }
        return out;
    }

    private List<String> args(Path out, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of(
                "lm",
                "pretrain",
                "--text",
                text().toString(),
                "--out",
                out.toString(),
                "--vocab-size",
                "300",
                "--hidden",
                "32",
                "--layers",
                "2",
                "--heads",
                "2",
                "--context",
                "64",
                "--seq-len",
                "64",
                "--batch",
                "8",
                "--warmup",
                "10",
                "--max-tokens",
                "40000",
                "--checkpoint-every",
                "20"));
        return override(a, extra);
    }

    /** {@code base} with each option of {@code extra} ({@code --name value} or a flag) replacing its namesake. */
    static List<String> override(List<String> base, String... extra) {
        List<String> a = new ArrayList<>(base);
        for (int i = 0; i < extra.length; i++) {
            boolean flag = i + 1 >= extra.length || extra[i + 1].startsWith("--");
            int at = a.indexOf(extra[i]);
            if (at >= 0) {
                a.remove(at);
                if (!flag) {
                    a.remove(at);
                }
            }
            a.add(extra[i]);
            if (!flag) {
                a.add(extra[++i]);
            }
        }
        return a;
    }

    private LmCommandsTest.Result run(List<String> args) {
        return LmCommandsTest.run(args.toArray(String[]::new));
    }

    @Test
    void learnsLoadsAndGeneratesDeterministically() throws Exception {
        Path a = dir.resolve("a");
        LmCommandsTest.Result r = run(args(a));
        assertEquals(0, r.code(), r.err());
        for (String f : List.of(
                "config.json",
                "model.safetensors",
                "tokenizer.json",
                "tokenizer_config.json",
                "generation_config.json",
                "pretrain.json",
                "loss.csv")) {
            assertTrue(Files.isRegularFile(a.resolve(f)), f);
        }
        assertFalse(Files.exists(dir.resolve("a.partial")), "work directory removed");
        JsonNode prov = new ObjectMapper().readTree(a.resolve("pretrain.json").toFile());
        double before = prov.at("/loss/initial_validation").asDouble();
        double after = prov.at("/loss/final_validation").asDouble();
        // a uniform guess over 300 tokens is ln 300 = 5.70; 79 updates on English must do clearly better
        assertEquals(Math.log(300), before, 0.1);
        assertTrue(after < before - 0.5, "validation loss " + before + " -> " + after);
        assertEquals(79, prov.at("/training/updates").asInt());
        assertEquals(79 * 8 * 64, prov.at("/training/tokens_seen").asInt());
        assertEquals(prov.at("/inputs/0/sha256").asText(), ai.curator.io.FileIo.sha256(text()));
        assertEquals(81, Files.readAllLines(a.resolve("loss.csv")).size(), "header, the initial loss, 79 updates");

        LmCommandsTest.Result g = LmCommandsTest.run(
                "lm", "generate", "--model", a.toString(), "--prompt", "The", "--max-new-tokens", "8");
        assertEquals(0, g.code(), g.err());
        assertFalse(g.out().isBlank(), "a completion");
        LmCommandsTest.Result info = LmCommandsTest.run("lm", "info", "--model", a.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("llama"), info.out());

        Path b = dir.resolve("b");
        assertEquals(0, run(args(b)).code());
        assertArrayEquals(
                Files.readAllBytes(a.resolve("model.safetensors")), Files.readAllBytes(b.resolve("model.safetensors")));
        assertArrayEquals(
                Files.readAllBytes(a.resolve("tokenizer.json")), Files.readAllBytes(b.resolve("tokenizer.json")));
    }

    @Test
    void aKilledRunResumesToTheSameWeights() throws Exception {
        Path reference = dir.resolve("reference");
        assertEquals(0, run(args(reference, "--max-tokens", "60000")).code());

        Path out = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                CuratorCli.class.getName()));
        cmd.addAll(args(out, "--max-tokens", "60000"));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile())
                .start();
        Path first = dir.resolve("killed.partial/checkpoints/checkpoint-00000020");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline && !Files.isDirectory(first)) {
            Thread.sleep(5);
        }
        assertTrue(
                p.isAlive(),
                "still training when the first checkpoint appeared: " + Files.readString(dir.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor();
        assertFalse(Files.exists(out), "no model from the killed run");

        LmCommandsTest.Result r = run(args(out, "--max-tokens", "60000", "--resume"));
        assertEquals(0, r.code(), r.err());
        JsonNode prov = new ObjectMapper().readTree(out.resolve("pretrain.json").toFile());
        assertTrue(prov.at("/training/resumed_from").asInt() >= 20, prov.toString());
        assertArrayEquals(
                Files.readAllBytes(reference.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")));
    }
}
