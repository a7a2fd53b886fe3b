package ai.curator.eval.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.RecipeException;
import ai.curator.eval.generate.FakeOpenAiServer;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunResult;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eval stage's options and plan checks, and a run against a local OpenAI-compatible server. */
class EvalStageTest {
    @TempDir
    Path dir;

    private Path recipe(String evalOptions) throws Exception {
        TestFiles.qa(dir, "data.jsonl", 20);
        return TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: data.jsonl}\nstages:\n  - select: {method: uniform, budget: 5}\n  - export\n"
                        + "  - eval: {" + evalOptions + "}\noutput: out\n");
    }

    private String build(String evalOptions) throws Exception {
        Path r = recipe(evalOptions);
        return assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()))
                .getMessage();
    }

    @Test
    void badOptionsAreRecipeErrorsNamingTheOption() throws Exception {
        assertTrue(build("limit: 3").contains("eval.task is required"), build("limit: 3"));
        String unknown = build("task: mmlu, model: m");
        assertTrue(unknown.contains("unknown evaluation task 'mmlu'") && unknown.contains("viggo"), unknown);
        assertTrue(build("task: viggo, endpoint: 'http://127.0.0.1:1/v1'")
                .contains("eval.endpoint needs eval.model_name"));
        assertTrue(build("task: viggo, max_new_tokens: 0").contains("eval.max_new_tokens must be >= 1, got 0"));
        assertTrue(build("task: viggo, model: a, endpoint: b, model_name: c").contains("exclude each other"));
        String noModel = build("task: viggo");
        assertTrue(noModel.contains("eval has no model: put a finetune stage before it"), noModel);
        String missing = build("task: viggo, model: nowhere.gguf");
        assertTrue(missing.contains("eval.model 'nowhere.gguf' not found"), missing);
        String noData = build("task: viggo, endpoint: 'http://127.0.0.1:1/v1', model_name: m, data_root: nodata");
        assertTrue(noData.contains("data file") && noData.contains("not found"), noData);
    }

    @Test
    void evaluatesThroughAnEndpointAndWritesItsProduct() throws Exception {
        Path data = TestFiles.repoRoot().resolve("../shared/data").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(data.resolve("viggo/valid.csv")), "needs the ViGGO data");
        try (FakeOpenAiServer server = new FakeOpenAiServer(req -> FakeOpenAiServer.ok("m", "inform(name[Portal])"))) {
            Path r = recipe("task: viggo, limit: 4, endpoint: '" + server.baseUrl() + "', model_name: served,"
                    + " data_root: '" + data + "'");
            RunResult first = Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(false));
            assertEquals(0, first.cachedStages());
            assertEquals(4, server.requests.size());
            JsonNode prov = Json.MAPPER.readTree(
                    dir.resolve("out/eval/viggo/provenance.json").toFile());
            assertEquals("served", prov.at("/eval/model_name").asText());
            assertEquals(4, prov.at("/eval/scored").asInt());
            assertEquals(
                    4,
                    Files.readAllLines(dir.resolve("out/eval/viggo/examples.jsonl"))
                            .size());
            RunResult second = Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(false));
            assertEquals(4, second.cachedStages());
            assertEquals(4, server.requests.size(), "the cached rerun asks nothing");
        }
    }

    @Test
    void aPromptTemplateIsTheUserTurnSent() throws Exception {
        Path data = TestFiles.repoRoot().resolve("../shared/data").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(data.resolve("viggo/valid.csv")), "needs the ViGGO data");
        try (FakeOpenAiServer server = new FakeOpenAiServer(req -> FakeOpenAiServer.ok("m", "inform(name[Portal])"))) {
            Path r = recipe("task: viggo, limit: 3, endpoint: '" + server.baseUrl() + "', model_name: served,"
                    + " data_root: '" + data + "', prompt: \"Text: {ref}\\n\"");
            Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(false));
            java.util.List<String> refs = new java.util.ArrayList<>();
            for (var e : ai.curator.api.EvalTask.named("viggo").examples(data.resolve("viggo/valid.csv"))) {
                refs.add("Text: " + e.fields().get("ref") + "\n");
                if (refs.size() == 3) {
                    break;
                }
            }
            assertEquals(
                    refs.stream().sorted().toList(),
                    server.prompts().stream().sorted().toList(),
                    "the template over each row's fields, with its newline (requests go in parallel)");

            Path bad = recipe("task: viggo, limit: 3, endpoint: '" + server.baseUrl() + "', model_name: served,"
                    + " data_root: '" + data + "', prompt: '{reff}'");
            Exception e = assertThrows(RecipeException.class, () -> Pipeline.build(bad, StageRegistry.load())
                    .run(RunSettings.quiet(false)));
            assertTrue(e.getMessage().contains("names field 'reff'"), e.getMessage());
            assertEquals(3, server.requests.size(), "nothing was sent for the bad template");
        }
    }
}
