package ai.curator.eval.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.EvalTask;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.cli.CuratorCli;
import ai.curator.pipeline.DatasetLoader;
import ai.curator.recipe.DatasetSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A recipe's {@code dataset: {task: ...}}: the task's rows with prompt and response columns. */
class TaskDatasetTest {
    @TempDir
    Path dir;

    private Path gsm8k() throws Exception {
        Path f = dir.resolve("gsm8k.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append("{\"question\": \"What is ")
                    .append(i)
                    .append(" + 1?\", \"answer\": \"")
                    .append(i)
                    .append(" + 1 = ")
                    .append(i + 1)
                    .append("\\n#### ")
                    .append(i + 1)
                    .append("\"}\n");
        }
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void addsPromptAndResponseAsTheTaskRendersThem() throws Exception {
        Path f = gsm8k();
        Table t =
                DatasetLoader.load(new DatasetSpec(f.toString(), null, null, "{prompt}", null, null, "gsm8k", null), f);
        List<EvalTask.Example> ex = EvalTask.named("gsm8k").examples(f);
        assertEquals(8, t.rows());
        assertEquals(List.of("id", "answer", "question", "prompt", "response"), t.columnNames());
        assertEquals("id", t.idColumn());
        for (int r = 0; r < 8; r++) {
            assertEquals(Integer.toString(r), t.idText(r));
            assertEquals(ex.get(r).promptText(), t.column("prompt").string(r));
            assertEquals(ex.get(r).reference(), t.column("response").string(r));
            assertTrue(t.column("prompt").string(r).contains("What is " + r + " + 1?"));
        }
        assertEquals("3 + 1 = 4\n#### 4", t.column("response").string(3));
        assertEquals("What is 3 + 1?", t.column("question").string(3));
    }

    @Test
    void badTaskSplitOrFieldFailsNamingIt() throws Exception {
        Path f = gsm8k();
        RecipeException e = assertThrows(
                RecipeException.class,
                () -> DatasetLoader.load(
                        new DatasetSpec(f.toString(), null, null, null, null, null, "gsm9k", null), f));
        assertTrue(
                e.getMessage().contains("unknown evaluation task 'gsm9k'; known: gsm8k, sql, viggo"), e.getMessage());
        e = assertThrows(
                RecipeException.class,
                () -> DatasetLoader.load(
                        new DatasetSpec(f.toString(), null, null, null, null, null, "gsm8k", "dev"), f));
        assertTrue(e.getMessage().contains("no split 'dev'; known: test, train"), e.getMessage());
        e = assertThrows(
                RecipeException.class,
                () -> DatasetLoader.load(
                        new DatasetSpec(f.toString(), null, null, "{prompts}", null, null, "gsm8k", null), f));
        assertTrue(e.getMessage().contains("prompts"), e.getMessage());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> new DatasetSpec(null, null, null, null, null, null, null, "train"));
        assertTrue(bad.getMessage().contains("dataset.path is required"), bad.getMessage());
        bad = assertThrows(
                IllegalArgumentException.class,
                () -> new DatasetSpec(f.toString(), null, null, null, null, null, null, "train"));
        assertTrue(bad.getMessage().contains("dataset.split needs dataset.task"), bad.getMessage());
    }

    private record Result(int code, String out, String err) {}

    private static Result curator(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CuratorCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aTaskRecipeRunsWithSetValuesInTheirOwnFolder() throws Exception {
        gsm8k();
        Path recipe = dir.resolve("r.yaml");
        Files.writeString(
                recipe,
                """
                dataset: {task: gsm8k, path: gsm8k.jsonl, text: "{prompt}"}
                stages:
                  - select: {method: uniform, budget: 50%}
                  - export: {formats: [jsonl]}
                output: out/r
                """);
        Result plain = curator("run", "-q", recipe.toString());
        assertEquals(0, plain.code(), plain.err());
        Result set = curator("run", "-q", recipe.toString(), "--set", "select.budget=25%", "--set", "seed=7");
        assertEquals(0, set.code(), set.err());
        Path a = dir.resolve("out/r/subset.jsonl");
        Path b = dir.resolve("out/r__select.budget=25%__seed=7/subset.jsonl");
        assertEquals(4, Files.readAllLines(a).size());
        assertEquals(2, Files.readAllLines(b).size());
        JsonNode row = new ObjectMapper().readTree(Files.readAllLines(b).get(0));
        assertTrue(row.get("prompt").asText().startsWith(row.get("question").asText())
                || row.get("prompt").asText().contains(row.get("question").asText()));
        assertEquals(row.get("answer").asText(), row.get("response").asText());
        JsonNode prov = new ObjectMapper()
                .readTree(dir.resolve("out/r__select.budget=25%__seed=7/subset.jsonl.provenance.json")
                        .toFile());
        assertEquals("select.budget=25%", prov.at("/recipe/overrides/0").asText(), prov.toString());
        assertEquals(7, prov.at("/recipe/seed").asInt());

        Result bad = curator("validate", recipe.toString(), "--set", "selct.budget=1");
        assertEquals(CuratorCli.BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("--set selct.budget=1: unknown key 'selct'"), bad.err());
        Result badOpt = curator("validate", recipe.toString(), "--set", "select.budgt=1");
        assertEquals(CuratorCli.BAD_INPUT, badOpt.code());
        assertTrue(badOpt.err().contains("unknown option 'budgt'"), badOpt.err());
        Result desc = curator("describe", recipe.toString(), "--set", "select.budget=10%");
        assertEquals(0, desc.code(), desc.err());
        assertTrue(
                desc.out().contains("\"task\" : \"gsm8k\"") || desc.out().contains("\"task\":\"gsm8k\""), desc.out());
        assertTrue(desc.out().contains("10%"), desc.out());
    }
}
