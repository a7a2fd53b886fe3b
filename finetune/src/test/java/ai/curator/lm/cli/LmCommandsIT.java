package ai.curator.lm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.Generator.Message;
import ai.curator.lm.Stories260k;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.LmGenerator;
import ai.curator.lm.model.SequenceLoss;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code curator lm …} on the real stories260K model (skipped when it is absent). */
class LmCommandsIT {
    @TempDir
    Path dir;

    static final String[][] ROWS = {
        {"s0", "Tom had a red ball.", "He liked to play with it every day."},
        {"s1", "Lily saw a big dog.", "The dog was happy and wagged its tail."},
        {"s2", "One day, Sam went to the park.", "He saw a bird in a tree."},
        {"s3", "Mia had a little cat.", "The cat liked to sleep in the sun."},
        {"s4", "Ben wanted to fly a kite.", "His mom helped him and the kite went up high."},
    };

    private Path data() throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (String[] r : ROWS) {
            b.append(json.writeValueAsString(java.util.Map.of("id", r[0], "prompt", r[1], "response", r[2])))
                    .append('\n');
        }
        return TestFiles.write(dir, "small.jsonl", b.toString());
    }

    @Test
    void generateFromBosTellsTheKnownStory() {
        for (Path model : List.of(Stories260k.gguf(), Stories260k.llama2c())) {
            LmCommandsTest.Result r = LmCommandsTest.run(
                    "lm", "generate", "--model", model.toString(), "--prompt", "", "--max-new-tokens", "60");
            assertEquals(0, r.code(), r.err());
            // llama2.c's greedy story from BOS, 60 tokens, as the numpy reference wrote it
            assertEquals(Stories260k.golden().get("greedy_text").asText() + "\n", r.out());
            assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily."), r.out());
        }
    }

    @Test
    void generateWritesJsonlForAFileOfPrompts() throws Exception {
        Path out = dir.resolve("gen.jsonl");
        LmCommandsTest.Result r = LmCommandsTest.run(
                "lm",
                "generate",
                "--model",
                Stories260k.gguf().toString(),
                "--prompts",
                data().toString(),
                "--max-new-tokens",
                "12",
                "--stop",
                ".",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(ROWS.length, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("s0", first.get("id").asText());
        assertEquals(ROWS[0][1], first.get("prompt").asText());
        assertTrue(!first.get("completion").asText().contains("."), "cut before the stop string: " + first);
    }

    @Test
    void lossEqualsSequenceLossOnTheSameExamples() throws Exception {
        Path out = dir.resolve("loss.jsonl");
        LmCommandsTest.Result r = LmCommandsTest.run(
                "lm",
                "loss",
                "--model",
                Stories260k.gguf().toString(),
                "--data",
                data().toString(),
                "--prompt",
                "{prompt}",
                "--response",
                "{response}",
                "--batch-size",
                "2",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("mean loss"), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(ROWS.length, lines.size());
        try (CausalLm lm = CausalLm.load(CheckpointLoader.load(Stories260k.gguf()))) {
            LmGenerator gen = new LmGenerator(lm, LmGenerator.Options.defaults());
            List<SequenceLoss.Example> ex = new ArrayList<>();
            for (String[] row : ROWS) {
                ex.add(gen.example(row[0], List.of(new Message("user", row[1])), row[2]));
            }
            double[] expected = new SequenceLoss(lm, SequenceLoss.Options.defaults()).losses(ex);
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < ROWS.length; i++) {
                JsonNode n = json.readTree(lines.get(i));
                assertEquals(ROWS[i][0], n.get("id").asText());
                assertEquals(expected[i], n.get("loss").asDouble(), 1e-5, ROWS[i][0]);
                assertEquals(
                        ex.get(i).prompt().length + ex.get(i).response().length,
                        n.get("tokens").asInt());
                // a base model on its own kind of text: well under the uniform ln 512 ≈ 6.24
                assertTrue(n.get("loss").asDouble() > 0.5 && n.get("loss").asDouble() < 5, lines.get(i));
            }
            LmCommandsTest.Result g = LmCommandsTest.run(
                    "lm",
                    "loss",
                    "--model",
                    Stories260k.gguf().toString(),
                    "--data",
                    data().toString(),
                    "--prompt",
                    "{prompt}",
                    "--response",
                    "{response}",
                    "--objective",
                    "grad_norm");
            assertEquals(0, g.code(), g.err());
            double[] norms = new SequenceLoss(lm, SequenceLoss.Options.defaults()).outputGradientNorms(ex);
            String[] out2 = g.out().strip().split("\n");
            for (int i = 0; i < ROWS.length; i++) {
                assertEquals(
                        norms[i], json.readTree(out2[i]).get("grad_norm").asDouble(), 1e-4 * Math.max(1, norms[i]));
            }
        }
    }

    @Test
    void aRowLongerThanTheLimitIsNamedOrCut() throws Exception {
        String[] base = {
            "lm",
            "loss",
            "--model",
            Stories260k.gguf().toString(),
            "--data",
            data().toString(),
            "--prompt",
            "{prompt}",
            "--response",
            "{response}",
            "--max-length",
            "30"
        };
        LmCommandsTest.Result r = LmCommandsTest.run(base);
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err().startsWith("error: row id 's4' (line 5 of " + dir.resolve("small.jsonl") + ") has "), r.err());
        assertTrue(r.err().contains("the limit is 30 (pass --truncate"), r.err());

        String[] cut = java.util.Arrays.copyOf(base, base.length + 1);
        cut[base.length] = "--truncate";
        LmCommandsTest.Result t = LmCommandsTest.run(cut);
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("prompts cut from the left"), t.err());
        for (String line : t.out().strip().split("\n")) {
            assertTrue(new ObjectMapper().readTree(line).get("tokens").asInt() <= 30, line);
        }
    }

    @Test
    void infoDescribesTheCheckpoint() {
        LmCommandsTest.Result r =
                LmCommandsTest.run("lm", "info", "--model", Stories260k.gguf().toString(), "--sha256");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("parameters:      260,032"), r.out());
        assertTrue(r.out().contains("layers:          5, hidden 64, intermediate 172, heads 8 (kv 4"), r.out());
        assertTrue(r.out().contains("vocabulary 512"), r.out());
        assertTrue(r.out().contains("chat format:     plain (no chat template)"), r.out());
        assertTrue(
                r.out().contains("sha256:          270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d"),
                r.out());
    }

    @Test
    void anUnsupportedTensorTypeIsBadInputNamingTheTensor() throws Exception {
        // stories260K with its embedding's type field set to Q8_0 (8), which the loader does not dequantise
        byte[] b = Files.readAllBytes(Stories260k.gguf());
        byte[] name = "token_embd.weight".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = -1;
        for (int i = 0; i + 8 + name.length <= b.length && at < 0; i++) {
            if (buf.getLong(i) == name.length
                    && java.util.Arrays.equals(b, i + 8, i + 8 + name.length, name, 0, name.length)) {
                at = i + 8 + name.length;
            }
        }
        assertTrue(at > 0, "tensor info of token_embd.weight not found");
        int dims = buf.getInt(at);
        assertEquals(0, buf.getInt(at + 4 + 8 * dims), "F32 before the patch");
        buf.putInt(at + 4 + 8 * dims, 8);
        Path q8 = dir.resolve("q8.gguf");
        Files.write(q8, b);
        for (String cmd : new String[] {"info", "generate"}) {
            LmCommandsTest.Result r = cmd.equals("info")
                    ? LmCommandsTest.run("lm", "info", "--model", q8.toString())
                    : LmCommandsTest.run("lm", "generate", "--model", q8.toString(), "--prompt", "Once");
            assertEquals(2, r.code(), r.err());
            assertTrue(
                    r.err()
                            .startsWith("error: " + q8 + ": tensor 'token_embd.weight' has type Q8_0, which is not"
                                    + " supported"),
                    r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
