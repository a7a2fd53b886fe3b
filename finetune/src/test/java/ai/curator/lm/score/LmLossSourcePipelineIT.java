package ai.curator.lm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.Generator.Message;
import ai.curator.lm.Stories260k;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.LmGenerator;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.ProgressBars;
import ai.curator.pipeline.RunResult;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recipe run whose low-rank sensitivity scorer asks stories260K for the losses of its landmark
 * rows: only the landmarks are scored, with the numbers SequenceLoss gives on LmGenerator's
 * examples; the cost is in the provenance; a forced rerun takes every loss from the cache.
 */
class LmLossSourcePipelineIT {
    @TempDir
    Path dir;

    static final String[] NAMES = {"Tom", "Lily", "Sam", "Mia", "Ben", "Sue", "Max", "Anna"};
    static final String[] THINGS = {"a red ball", "a big dog", "a little cat", "a toy car", "a blue kite"};
    static final String[] ENDS = {
        "They played all day and were very happy.",
        "It was the best day ever.",
        "Then it was time to go home and sleep.",
        "Mom smiled and gave them a big hug.",
        "They shared it with their friends."
    };

    /** 40 short stories-like rows: prompt = first half, response = second half; numeric features to embed. */
    private Map<String, String[]> write() throws Exception {
        Map<String, String[]> rows = new HashMap<>();
        StringBuilder b = new StringBuilder();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 40; i++) {
            String name = NAMES[i % NAMES.length];
            String prompt = "Once upon a time, " + name + " found " + THINGS[i % THINGS.length] + ".";
            String response = name + " was so happy. " + ENDS[(i / 3) % ENDS.length];
            rows.put("r" + i, new String[] {prompt, response});
            b.append(String.format(
                    Locale.ROOT,
                    "{\"id\": \"r%d\", \"prompt\": \"%s\", \"response\": \"%s\", \"f1\": %.4f, \"f2\": %.4f, \"f3\": %.4f}%n",
                    i,
                    prompt,
                    response,
                    rnd.nextGaussian(),
                    rnd.nextGaussian(),
                    prompt.length() + rnd.nextGaussian()));
        }
        TestFiles.write(dir, "stories.jsonl", b.toString());
        return rows;
    }

    private Path recipe() throws Exception {
        Path model = Stories260k.gguf();
        Files.createDirectories(dir.resolve("models"));
        Files.copy(model, dir.resolve("models/stories260K.gguf"));
        return TestFiles.write(
                dir,
                "r.yaml",
                "seed: 5\ndataset: {path: stories.jsonl, features: [f1, f2, f3]}\nstages:\n"
                        + "  - embed: {method: features}\n"
                        + "  - score:\n      method: low_rank_sensitivity\n      rank: 2\n      mode: landmarks\n"
                        + "      landmarks: 0.25\n"
                        + "      loss: {source: lm, model: models/stories260K.gguf, prompt: \"{prompt}\","
                        + " response: \"{response}\", batch_size: 4}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 10}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out\n");
    }

    private static RunResult run(Path recipe, boolean force, ByteArrayOutputStream log) {
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        return Pipeline.build(recipe, StageRegistry.load())
                .run(new RunSettings(force, ps, new ProgressBars(false, ps)));
    }

    @Test
    void onlyLandmarksAreScoredAndARerunReusesTheCache() throws Exception {
        Map<String, String[]> rows = write();
        Path r = recipe();
        ByteArrayOutputStream log1 = new ByteArrayOutputStream();
        RunResult res = run(r, false, log1);
        assertEquals(10, res.selection().draws());

        JsonNode prov = Json.MAPPER.readTree(
                dir.resolve("out/subset.jsonl.provenance.json").toFile());
        JsonNode details = prov.at("/stages/2/details");
        JsonNode oracle = details.path("oracle");
        assertEquals("lm", oracle.path("source").asText(), prov.toString());
        assertEquals(10, oracle.path("rows").asInt(), "landmarks: 25% of 40");
        assertEquals(40, oracle.path("rows_total").asInt());
        assertEquals(10, oracle.path("rows_fetched").asInt());
        assertEquals(0, oracle.path("rows_cached").asInt());
        assertTrue(oracle.path("tokens").asLong() > 10 * 20, oracle.toString());
        assertTrue(oracle.path("seconds").asDouble() > 0, oracle.toString());
        JsonNode lm = details.path("lm");
        assertEquals(
                "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
                lm.path("model_sha256").asText());
        assertEquals("plain", lm.path("chat_format").asText(), lm.toString());
        assertEquals(260032, lm.path("parameters").asLong(), lm.toString());

        // the cache holds the landmarks only, with SequenceLoss's numbers on LmGenerator's examples
        List<Path> caches;
        try (var s = Files.list(dir.resolve("out/.work/losses"))) {
            caches = s.toList();
        }
        assertEquals(1, caches.size(), caches.toString());
        assertTrue(caches.get(0).getFileName().toString().startsWith("lm-"), caches.toString());
        List<String> lines = Files.readAllLines(caches.get(0));
        assertEquals(10, lines.size());
        List<String> ids = new ArrayList<>();
        List<Double> cached = new ArrayList<>();
        List<SequenceLoss.Example> ex = new ArrayList<>();
        try (CausalLm model = CausalLm.load(CheckpointLoader.load(Stories260k.gguf()))) {
            LmGenerator gen = new LmGenerator(model, LmGenerator.Options.defaults());
            for (String line : lines) {
                JsonNode n = Json.MAPPER.readTree(line);
                String id = n.get("id").asText();
                ids.add(id);
                cached.add(n.get("loss").asDouble());
                String[] t = rows.get(id);
                ex.add(gen.example(id, List.of(new Message("user", t[0])), t[1]));
            }
            double[] expected = new SequenceLoss(model, SequenceLoss.Options.defaults()).losses(ex);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], cached.get(i), 1e-5, ids.get(i));
                assertTrue(expected[i] > 0.1 && expected[i] < 6.24, "below uniform: " + expected[i]);
            }
        }
        assertEquals(10, ids.stream().distinct().count(), ids.toString());

        // a forced rerun scores again but takes every loss from the cache: nothing fetched, no model loaded
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        RunResult again = run(r, true, log2);
        assertEquals(res.selection().draws(), again.selection().draws());
        JsonNode prov2 = Json.MAPPER.readTree(
                dir.resolve("out/subset.jsonl.provenance.json").toFile());
        JsonNode oracle2 = prov2.at("/stages/2/details/oracle");
        assertEquals(0, oracle2.path("rows_fetched").asInt(), oracle2.toString());
        assertEquals(10, oracle2.path("rows_cached").asInt(), oracle2.toString());
        String log = log2.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("loss oracle lm: 10 of 40 rows (25.0%)"), log);
        assertTrue(log.contains("10 kept from an earlier run"), log);
        assertTrue(!log.contains("loss source lm: " + dir), "the model is not loaded: " + log);
        assertEquals(10, Files.readAllLines(caches.get(0)).size());

        // objective grad_norm: its own cache file, the output layer's per-sample gradient norms
        Files.writeString(r, Files.readString(r).replace("batch_size: 4}", "batch_size: 4, objective: grad_norm}"));
        run(r, false, new ByteArrayOutputStream());
        Path norms;
        try (var s = Files.list(dir.resolve("out/.work/losses"))) {
            norms = s.filter(f -> !f.equals(caches.get(0))).findFirst().orElseThrow();
        }
        List<String> normLines = Files.readAllLines(norms);
        assertEquals(10, normLines.size());
        try (CausalLm model = CausalLm.load(CheckpointLoader.load(Stories260k.gguf()))) {
            LmGenerator gen = new LmGenerator(model, LmGenerator.Options.defaults());
            List<SequenceLoss.Example> nex = new ArrayList<>();
            List<Double> got = new ArrayList<>();
            for (String line : normLines) {
                JsonNode n = Json.MAPPER.readTree(line);
                String[] t = rows.get(n.get("id").asText());
                got.add(n.get("loss").asDouble());
                nex.add(gen.example("x", List.of(new Message("user", t[0])), t[1]));
            }
            double[] expected = new SequenceLoss(model, SequenceLoss.Options.defaults()).outputGradientNorms(nex);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got.get(i), 1e-4 * Math.max(1, expected[i]));
            }
        }
    }
}
