package ai.curator.eval.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.RecipeException;
import ai.curator.io.AtomicFiles;
import ai.curator.lm.io.HfCheckpointWriter;
import ai.curator.lm.score.LmModels;
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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One recipe runs load → select → export → finetune → eval on real parts: the finetune stage runs
 * an external command (here {@code cp}, which "trains" nothing: it copies the base model, Karpathy's
 * stories260K converted to a Hugging Face directory, as the full model it wrote), and the eval
 * stage loads that product with the in-JVM model and evaluates it on five ViGGO validation rows
 * (it scores about 0%; the test checks files, counts, provenance and caching, not accuracy).
 */
class RecipeFinetuneEvalIT {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    @org.junit.jupiter.api.BeforeEach
    void needsAShell() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(Path.of("/bin/cp")),
                "the external trainers here are bash and cp");
    }

    private static Path shared() {
        return TestFiles.repoRoot().resolve("../shared").normalize();
    }

    private Path setUp() throws Exception {
        Path gguf = shared().resolve("models/stories260K/stories260K.gguf");
        Path viggo = shared().resolve("data/viggo/valid.csv");
        Assumptions.assumeTrue(Files.isRegularFile(gguf), "needs " + gguf);
        Assumptions.assumeTrue(Files.isRegularFile(viggo), "needs " + viggo);
        Path base = dir.resolve("base-hf");
        if (!Files.exists(base)) {
            HfCheckpointWriter.write(base, LmModels.checkpoint(gguf, null));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                sb.append("{\"id\":\"r")
                        .append(i)
                        .append("\",\"prompt\":\"Once upon a time ")
                        .append(i)
                        .append("\",\"response\":\"there was a cat.\"}\n");
            }
            Files.writeString(dir.resolve("data.jsonl"), sb.toString());
        }
        return gguf;
    }

    private Path recipe(String name, String tail) throws Exception {
        Path r = dir.resolve(name + ".yaml");
        Files.writeString(
                r,
                "seed: 3\ndataset: {path: data.jsonl}\nstages:\n  - select: {method: uniform, budget: 8}\n  - export\n"
                        + tail + "output: out-" + name + "\n");
        return r;
    }

    private String evalStage(String extra) {
        return "  - eval: {task: viggo, limit: 5, max_new_tokens: 8, data_root: '" + shared().resolve("data") + "'"
                + extra + "}\n";
    }

    private RunResult run(Path recipe) {
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        return Pipeline.build(recipe, StageRegistry.load())
                .run(new RunSettings(false, log, new ProgressBars(false, log)));
    }

    @Test
    void finetuneThenEvalRunsAndIsCachedOnTheRerun() throws Exception {
        setUp();
        Path r = recipe(
                "e2e",
                "  - finetune: {method: full, backend: command, base_model: base-hf,"
                        + " command: [cp, -r, '{base_model}/.', '{output_dir}']}\n" + evalStage(""));
        RunResult first = run(r);
        assertEquals(0, first.cachedStages());
        Path out = dir.resolve("out-e2e");
        JsonNode ft =
                Json.MAPPER.readTree(out.resolve("finetune/provenance.json").toFile());
        assertEquals("model", ft.at("/finetune/product_kind").asText());
        assertEquals(
                LmModels.sha256(dir.resolve("base-hf")),
                ft.at("/finetune/base_model_sha256").asText());

        Path ev = out.resolve("eval/viggo");
        for (String f : List.of("summary.json", "summary.md", "summary.csv", "examples.jsonl", "provenance.json")) {
            assertTrue(Files.isRegularFile(ev.resolve(f)), f + " in " + ev);
        }
        assertEquals(5, Files.readAllLines(ev.resolve("examples.jsonl")).size());
        JsonNode prov = Json.MAPPER.readTree(ev.resolve("provenance.json").toFile());
        assertEquals("finetune/model", prov.at("/eval/model").asText());
        assertEquals(
                LmModels.sha256(out.resolve("finetune/model")),
                prov.at("/eval/model_sha256").asText());
        assertEquals(5, prov.at("/eval/rows").asInt());
        assertEquals("validation", prov.at("/eval/split").asText());
        String log = logBytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("viggo"), log);
        assertFalse(leftovers(out) || leftovers(out.resolve("eval")));

        RunResult second = run(r);
        assertEquals(5, second.cachedStages(), "load, select, export, finetune and eval cached");
    }

    @Test
    void theWholeChainFromEmbeddingsToEvaluation() throws Exception {
        setUp();
        Path r = dir.resolve("chain.yaml");
        Files.writeString(
                r,
                "seed: 5\ndataset: {path: data.jsonl, text: \"{prompt} {response}\"}\nstages:\n"
                        + "  - embed: {model: bge-small-en-q}\n"
                        + "  - score: {method: low_rank_sensitivity, rank: 3}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 8}\n"
                        + "  - export\n"
                        + "  - finetune: {method: full, backend: command, base_model: base-hf,"
                        + " command: [cp, -r, '{base_model}/.', '{output_dir}']}\n"
                        + evalStage("").replace("limit: 5", "limit: 2")
                        + "output: out-chain\n");
        assertEquals(0, run(r).cachedStages());
        Path out = dir.resolve("out-chain");
        List<String> rows = Files.readAllLines(out.resolve("finetune/train.jsonl"));
        assertTrue(!rows.isEmpty() && rows.size() <= 8, "distinct rows of 8 draws: " + rows.size());
        long draws = 0;
        for (String line : rows) {
            JsonNode row = Json.MAPPER.readTree(line);
            draws += row.path("count").asLong();
            assertEquals(
                    row.path("count").asDouble() * row.path("weight").asDouble(),
                    row.path("sample_weight").asDouble(),
                    1e-12);
        }
        assertEquals(8, draws, "sensitivity sampling draws with replacement: counts sum to the budget");
        assertEquals(
                2, Files.readAllLines(out.resolve("eval/viggo/examples.jsonl")).size());
        assertEquals(7, run(r).cachedStages(), "load, embed, score, select, export, finetune and eval cached");
    }

    @Test
    void evalOnAGivenModelWithoutFinetune() throws Exception {
        Path gguf = setUp();
        Path r = recipe("given", evalStage(", model: '" + gguf + "'"));
        run(r);
        JsonNode prov = Json.MAPPER.readTree(
                dir.resolve("out-given/eval/viggo/provenance.json").toFile());
        assertEquals(gguf.toString(), prov.at("/eval/model").asText());
        assertEquals(5, prov.at("/eval/scored").asInt());
    }

    @Test
    void promptsLongerThanTheContextAreScoredWrongWhenAskedAndCounted() throws Exception {
        Path gguf = setUp();
        String longPrompt = "{ref} ".repeat(120); // ~3,600 tokens: past the 2,048-token context
        Path r = recipe(
                "long-prompts",
                evalStage(", model: '" + gguf + "', prompt: '" + longPrompt + "', too_long: wrong")
                        .replace("limit: 5", "limit: 2"));
        run(r);
        JsonNode prov = Json.MAPPER.readTree(
                dir.resolve("out-long-prompts/eval/viggo/provenance.json").toFile());
        assertEquals(2, prov.at("/eval/prompts_too_long").asInt(), prov.toString());
        assertEquals(2, prov.at("/eval/scored").asInt(), "scored, as wrong");
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("scored wrong (too_long: wrong)"));
        for (String line : Files.readAllLines(dir.resolve("out-long-prompts/eval/viggo/examples.jsonl"))) {
            JsonNode ex = Json.MAPPER.readTree(line);
            assertTrue(ex.has("prediction"), line);
            assertEquals("", ex.path("prediction").asText(), line);
        }
        // by default such a prompt stops the stage, naming the row
        Path strict = recipe(
                "long-strict",
                evalStage(", model: '" + gguf + "', prompt: '" + longPrompt + "'")
                        .replace("limit: 5", "limit: 2"));
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> run(strict));
        assertTrue(e.getMessage().contains("context is 2048"), e.getMessage());
    }

    @Test
    void theInJvmLoraTrainerFeedsTheEvalStageItsAdapter() throws Exception {
        setUp();
        Path r = recipe(
                "jvm",
                "  - finetune: {base_model: base-hf, learning_rate: 0.001, batch_size: 4, max_length: 64}\n"
                        + evalStage(""));
        RunResult first = run(r);
        assertEquals(0, first.cachedStages());
        Path out = dir.resolve("out-jvm");
        Path adapter = out.resolve("finetune/model");
        JsonNode cfg =
                Json.MAPPER.readTree(adapter.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.path("peft_type").asText());
        assertEquals(16, cfg.path("r").asInt());
        assertEquals(
                dir.resolve("base-hf").toAbsolutePath().normalize().toString(),
                cfg.path("base_model_name_or_path").asText());
        assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
        JsonNode ft =
                Json.MAPPER.readTree(out.resolve("finetune/provenance.json").toFile());
        assertEquals("adapter", ft.at("/finetune/product_kind").asText());
        assertEquals("jvm", ft.at("/finetune/trainer/backend").asText());
        assertEquals(8, ft.at("/finetune/trainer/samples").asInt(), "the 8 selected rows");
        assertTrue(ft.at("/finetune/trainer/updates").asInt() >= 2, ft.toString());

        Path ev = out.resolve("eval/viggo");
        assertEquals(5, Files.readAllLines(ev.resolve("examples.jsonl")).size());
        String log = logBytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("is a LoRA adapter on"), log);
        assertFalse(leftovers(out) || leftovers(out.resolve("eval")));

        RunResult second = run(r);
        assertEquals(5, second.cachedStages(), "load, select, export, finetune and eval cached");
    }

    @Test
    void rowsLongerThanMaxLengthStopTheRunNamingOneOrAreSkippedOrTruncatedAsAsked() throws Exception {
        setUp();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            String prompt = i % 4 == 3 ? "Once upon a time " + "there was a big dog. ".repeat(6) : "Once upon a time";
            sb.append("{\"id\":\"w")
                    .append(i)
                    .append("\",\"prompt\":\"")
                    .append(prompt)
                    .append("\",\"response\":\"there was a cat.\"}\n");
        }
        Files.writeString(dir.resolve("long.jsonl"), sb.toString());
        java.util.function.Function<String, Path> recipe = tooLong -> {
            Path r = dir.resolve("long-" + tooLong + ".yaml");
            try {
                Files.writeString(
                        r,
                        "seed: 3\ndataset: {path: long.jsonl}\nstages:\n  - select: {method: uniform, budget: 12}\n"
                                + "  - export\n  - finetune: {base_model: base-hf, learning_rate: 0.001, batch_size: 4,"
                                + " max_length: 32" + (tooLong.equals("default") ? "" : ", too_long: " + tooLong)
                                + "}\noutput: out-long-" + tooLong + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return r;
        };
        ai.curator.api.DataException e = org.junit.jupiter.api.Assertions.assertThrows(
                ai.curator.api.DataException.class, () -> run(recipe.apply("default")));
        assertTrue(e.getMessage().contains("row id 'w") && e.getMessage().contains("the limit is 32"), e.getMessage());
        assertTrue(e.getMessage().contains("finetune.too_long: skip or truncate"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out-long-default/finetune/model")), "nothing half-written");

        run(recipe.apply("skip"));
        JsonNode skip = Json.MAPPER.readTree(
                dir.resolve("out-long-skip/finetune/provenance.json").toFile());
        assertEquals(3, skip.at("/finetune/trainer/rows_skipped_too_long").asInt(), skip.toString());
        assertEquals(9, skip.at("/finetune/trainer/samples").asInt());
        assertEquals(
                "w3", skip.at("/finetune/trainer/rows_skipped_too_long_ids/0").asText());
        assertTrue(
                logBytes.toString(StandardCharsets.UTF_8)
                        .contains("trained on 9 rows (3 of 12 longer than max_length left out)"),
                "the log counts the rows trained on");

        run(recipe.apply("truncate"));
        JsonNode cut = Json.MAPPER.readTree(
                dir.resolve("out-long-truncate/finetune/provenance.json").toFile());
        assertEquals(12, cut.at("/finetune/trainer/samples").asInt(), "every row, the long prompts cut");
        assertEquals("truncate", cut.at("/finetune/trainer/too_long").asText());
    }

    @Test
    void anAdapterWhoseBaseIsNotLocalIsAClearError() throws Exception {
        setUp();
        Path r = recipe(
                "adapter",
                "  - finetune: {backend: command, base_model: org/remote-base,"
                        + " command: [bash, -c, 'echo \"{{\\\"base_model_name_or_path\\\": \\\"{base_model}\\\"}}\" > {output_dir}/adapter_config.json']}\n"
                        + evalStage(""));
        RecipeException e = assertThrows(RecipeException.class, () -> run(r));
        assertTrue(
                e.getMessage().contains("is a LoRA adapter whose base_model_name_or_path ('org/remote-base'"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("out-adapter/eval/viggo")));
    }

    private static boolean leftovers(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(AtomicFiles.TMP_MARK));
        }
    }
}
