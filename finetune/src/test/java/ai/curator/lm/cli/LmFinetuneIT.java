package ai.curator.lm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.lm.Stories260k;
import ai.curator.lm.lora.LoraAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code curator lm finetune} on the real stories260K model (skipped when absent), then {@code --adapter}. */
class LmFinetuneIT {
    @TempDir
    Path dir;

    private Path data(String name, double[] weights) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < LmCommandsIT.ROWS.length; i++) {
            String[] r = LmCommandsIT.ROWS[i];
            b.append(json.writeValueAsString(
                            Map.of("id", r[0], "prompt", r[1], "response", r[2], "weight", weights[i], "count", 1)))
                    .append('\n');
        }
        return TestFiles.write(dir, name, b.toString());
    }

    private LmCommandsTest.Result finetune(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "lm",
                "finetune",
                "--model",
                Stories260k.gguf().toString(),
                "--data",
                data.toString(),
                "--prompt",
                "{prompt}",
                "--response",
                "{response}",
                "--out",
                out.toString(),
                "--lr",
                "5e-3",
                "--batch",
                "5",
                "--epochs",
                "15",
                "--warmup",
                "2",
                "--lora-dropout",
                "0"));
        return LmCommandsTest.run(LmPretrainIT.override(a, extra).toArray(String[]::new));
    }

    private double meanLoss(Path data, String... adapter) throws Exception {
        List<String> a = new ArrayList<>(List.of(
                "lm",
                "loss",
                "--model",
                Stories260k.gguf().toString(),
                "--data",
                data.toString(),
                "--prompt",
                "{prompt}",
                "--response",
                "{response}"));
        a.addAll(List.of(adapter));
        LmCommandsTest.Result r = LmCommandsTest.run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        double s = 0;
        List<String> lines = r.out().strip().lines().toList();
        for (String line : lines) {
            s += new ObjectMapper().readTree(line).get("loss").asDouble();
        }
        return s / lines.size();
    }

    @Test
    void loraAdapterLearnsTheRowsAndGenerates() throws Exception {
        Path data = data("d.jsonl", new double[] {1, 1, 1, 1, 1});
        Path out = dir.resolve("adapter");
        LmCommandsTest.Result r = finetune(data, out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("using the 'weight' column"), r.err());
        assertTrue(Files.isRegularFile(out.resolve(LoraAdapter.WEIGHTS)));
        assertTrue(Files.isRegularFile(out.resolve(LoraAdapter.CONFIG)));
        JsonNode prov = new ObjectMapper().readTree(out.resolve("finetune.json").toFile());
        assertEquals(15, prov.at("/training/updates").asInt());
        assertFalse(Files.exists(dir.resolve("adapter.partial")));

        double before = meanLoss(data);
        double after = meanLoss(data, "--adapter", out.toString());
        assertTrue(after < before - 0.3, "loss on the training rows " + before + " -> " + after);
        assertEquals(prov.at("/training/weighted_loss_after").asDouble(), after, 1e-4);

        LmCommandsTest.Result g = LmCommandsTest.run(
                "lm",
                "generate",
                "--model",
                Stories260k.gguf().toString(),
                "--adapter",
                out.toString(),
                "--prompt",
                LmCommandsIT.ROWS[0][1],
                "--max-new-tokens",
                "12");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.err().contains("LoRA adapter"), g.err());
        assertFalse(g.out().isBlank());
    }

    @Test
    void aRowOfWeightZeroChangesNothing() throws Exception {
        // four rows, and the same four plus a fifth of weight 0: the same adapter, byte for byte
        ObjectMapper json = new ObjectMapper();
        StringBuilder four = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            String[] r = LmCommandsIT.ROWS[i];
            four.append(json.writeValueAsString(Map.of("id", r[0], "prompt", r[1], "response", r[2], "w", 1.0)))
                    .append('\n');
        }
        Path a = TestFiles.write(dir, "four.jsonl", four.toString());
        String[] r4 = LmCommandsIT.ROWS[4];
        Path b = TestFiles.write(
                dir,
                "five.jsonl",
                four + json.writeValueAsString(Map.of("id", r4[0], "prompt", r4[1], "response", r4[2], "w", 0.0))
                        + "\n");
        assertEquals(
                0,
                finetune(a, dir.resolve("a"), "--weight", "w", "--epochs", "3").code());
        assertEquals(
                0,
                finetune(b, dir.resolve("b"), "--weight", "w", "--epochs", "3").code());
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("a").resolve(LoraAdapter.WEIGHTS)),
                Files.readAllBytes(dir.resolve("b").resolve(LoraAdapter.WEIGHTS)));
        LmCommandsTest.Result bad = finetune(a, dir.resolve("c"), "--weight", "nope");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--weight names column 'nope', which is not there"), bad.err());
    }

    @Test
    void fullFineTuningWritesACheckpointDirectory() throws Exception {
        Path data = data("d.jsonl", new double[] {1, 1, 1, 1, 1});
        Path out = dir.resolve("full");
        LmCommandsTest.Result r = finetune(data, out, "--method", "full", "--epochs", "5", "--lr", "1e-3");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("finetune.json")));
        LmCommandsTest.Result l = LmCommandsTest.run(
                "lm",
                "loss",
                "--model",
                out.toString(),
                "--data",
                data.toString(),
                "--prompt",
                "{prompt}",
                "--response",
                "{response}");
        assertEquals(0, l.code(), l.err());
    }
}
