package ai.curator.eval.bench.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.RecipeException;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's plan, its checks of the data and the model, and the recipes it writes (a dry run:
 * nothing is trained), on the first 40 ViGGO training rows and 6 test rows with stories260K.
 */
class LlmBenchTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private LlmBenchArgs a;

    @BeforeEach
    void setUp() throws Exception {
        a = new LlmBenchArgs();
        a.model = LlmBenchArgs.stories260K();
        a.dataRoot = LlmBenchArgs.viggo(dir, 40, 6);
        a.out = dir.resolve("bench");
        a.methods = List.of("full", "uniform", "lowrank");
        a.budgets = List.of("50%", "25%");
        a.seeds = 2;
        a.prompt = "{ref}\n";
        a.response = "{mr}";
        a.landmarks = 0.5;
        a.rank = 4;
    }

    @Test
    void thePlanIsPerSeedFullOnceThenEachMethodAtEachBudget() {
        List<LlmBench.Run> runs = LlmBench.plan(a.build());
        assertEquals(
                List.of(
                        "viggo-full-s1",
                        "viggo-uniform-50pct-s1",
                        "viggo-uniform-25pct-s1",
                        "viggo-lowrank-50pct-s1",
                        "viggo-lowrank-25pct-s1",
                        "viggo-full-s2",
                        "viggo-uniform-50pct-s2",
                        "viggo-uniform-25pct-s2",
                        "viggo-lowrank-50pct-s2",
                        "viggo-lowrank-25pct-s2"),
                runs.stream().map(LlmBench.Run::id).toList());
        LlmBench.Run full = runs.get(0);
        assertEquals("100%", full.budget());
        assertEquals(1.0, full.fraction());
        assertEquals(new LlmBench.Run("viggo-lowrank-25pct-s2", "lowrank", "25%", 2), runs.get(9));
        assertEquals(0.25, runs.get(9).fraction());
        assertEquals(runs.size(), runs.stream().map(LlmBench.Run::id).distinct().count(), "ids are unique");
    }

    @Test
    void onlyKeepsTheRunsWhoseIdMatchesAGlobInPlanOrderAndRefusesAGlobMatchingNothing() {
        List<LlmBench.Run> plan = LlmBench.plan(a.build());
        assertEquals(plan, LlmBench.select(plan, List.of()));
        assertEquals(
                List.of(
                        "viggo-uniform-25pct-s1",
                        "viggo-lowrank-25pct-s1",
                        "viggo-full-s2",
                        "viggo-uniform-25pct-s2",
                        "viggo-lowrank-25pct-s2"),
                LlmBench.select(plan, List.of("viggo-full-s2", "*-25pct-*")).stream()
                        .map(LlmBench.Run::id)
                        .toList());
        assertEquals(
                List.of("viggo-lowrank-50pct-s1"),
                LlmBench.select(plan, List.of("viggo-lowrank-?0pct-s1")).stream()
                        .map(LlmBench.Run::id)
                        .toList());
        RecipeException e = assertThrows(RecipeException.class, () -> LlmBench.select(plan, List.of("*-12.5pct-*")));
        assertTrue(e.getMessage().contains("--only *-12.5pct-* matches no run"), e.getMessage());
        assertTrue(e.getMessage().contains("viggo-full-s1, viggo-uniform-50pct-s1"), e.getMessage());
    }

    @Test
    void theBenchCountsTheTrainingRows() {
        assertEquals(40, new LlmBench(a.build(), log).trainRows());
    }

    @Test
    void aBudgetOfNoRowsIsRefusedNamingIt() {
        a.budgets = List.of("50%", "1%"); // 1% of 40 rows rounds to 0
        String m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertEquals("budget 1% of the 40 training rows of viggo is 0 rows; use a larger budget", m);
        a.budgets = List.of("2%"); // 0.8 rounds to 1 row
        new LlmBench(a.build(), log);
    }

    @Test
    void aMissingSplitDataOrModelIsRefused() throws Exception {
        a.evalSplit = "nonexistent";
        String m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.startsWith("--eval-split: ") && m.contains("nonexistent"), m);

        a.evalSplit = "validation"; // a split of the task whose file the data root lacks
        m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.contains("viggo/valid.csv does not exist; pass --data-root"), m);

        a.evalSplit = "test";
        a.model = dir.resolve("no-such-model.gguf");
        m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.startsWith("--model " + a.model + " does not exist"), m);

        a.model = LlmBenchArgs.stories260K();
        a.dataRoot = dir.resolve("nowhere");
        m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.contains("train.csv does not exist; pass --data-root"), m);
    }

    @Test
    void templatesNamingFieldsTheRowsLackAreRefusedBeforeAnyRun() {
        a.prompt = "{reff}\n";
        String m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.startsWith("--prompt: prompt template \"{reff}\n\" names field 'reff'"), m);
        assertTrue(m.contains("train.csv line 2 has only: "), m);

        a.prompt = "{ref}\n";
        a.response = "{mrr}";
        m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.startsWith("--response '{mrr}' names field 'mrr', which the viggo rows of "), m);
        assertTrue(m.endsWith("lack; they have: id, mr, prompt, ref, response"), m);

        a.response = "{mr}";
        a.text = "{ref} {mr} {meaning}";
        m = assertThrows(RecipeException.class, () -> new LlmBench(a.build(), log))
                .getMessage();
        assertTrue(m.startsWith("--text '{ref} {mr} {meaning}' names field 'meaning'"), m);

        a.text = "{prompt}"; // the loaded split's own prompt column
        new LlmBench(a.build(), log);
    }

    private static JsonNode yaml(Path f) throws Exception {
        return YAML.readTree(f.toFile());
    }

    @Test
    void aDryRunWritesRecipesThatBuildWithTheTemplatesExactly() throws Exception {
        LlmBench bench = new LlmBench(a.build(), log);
        List<String> lines = bench.dryRun(List.of());
        assertEquals(10, lines.size());
        assertTrue(lines.get(0).startsWith("viggo-full-s1") && lines.get(0).contains("to do"), lines.get(0));
        Path runs = a.out.resolve("runs");
        assertFalse(Files.exists(runs.resolve("viggo-full-s1/select.yaml")), "full selects nothing");
        for (LlmBench.Run r : LlmBench.plan(a.build())) {
            assertTrue(Files.isRegularFile(runs.resolve(r.id()).resolve("train.yaml")), r.id());
            assertEquals(!r.full(), Files.isRegularFile(runs.resolve(r.id()).resolve("select.yaml")), r.id());
        }

        // the selection recipe: templates with their real newline, the seed, the loss source
        Path lowrank = runs.resolve("viggo-lowrank-25pct-s2/select.yaml");
        Pipeline.build(lowrank, StageRegistry.load());
        JsonNode sel = yaml(lowrank);
        assertEquals(2, sel.path("seed").asLong());
        assertEquals("{ref}\n", sel.at("/dataset/text").asText());
        assertEquals("train", sel.at("/dataset/split").asText());
        JsonNode score = sel.at("/stages/1/score");
        assertEquals("low_rank_sensitivity", score.path("method").asText());
        assertEquals("{ref}\n", score.at("/loss/prompt").asText());
        assertEquals("{mr}", score.at("/loss/response").asText());
        assertEquals(
                a.model.toAbsolutePath().normalize().toString(),
                score.at("/loss/model").asText());
        assertEquals(0.5, score.path("landmarks").asDouble());
        assertEquals(4, score.path("rank").asInt());
        assertEquals("25%", sel.at("/stages/2/select/budget").asText());
        assertEquals(
                a.out.resolve("work").toAbsolutePath().toString(),
                sel.path("work_dir").asText(),
                "one stage cache for every selection: the embeddings are shared across seeds");

        // the full run trains on the task's training split itself
        Path fullTrain = runs.resolve("viggo-full-s1/train.yaml");
        Pipeline.build(fullTrain, StageRegistry.load());
        JsonNode full = yaml(fullTrain);
        JsonNode ft = full.at("/stages/1/finetune");
        assertEquals("{ref}\n", ft.path("prompt").asText());
        assertEquals("{mr}", ft.path("response").asText());
        assertTrue(ft.path("weight_column").isMissingNode(), "full: every row weight 1");
        JsonNode ev = full.at("/stages/2/eval");
        assertEquals("{ref}\n", ev.path("prompt").asText(), "the model is evaluated on the prompt it trained on");
        assertEquals("test", ev.path("split").asText());

        // a subset run trains on the subset its selection recipe exports, with its weights
        Path uniformSelect = runs.resolve("viggo-uniform-25pct-s1/select.yaml");
        Pipeline.build(uniformSelect, StageRegistry.load()).run(RunSettings.quiet(false));
        Path subset = runs.resolve("viggo-uniform-25pct-s1/select/subset.jsonl");
        assertEquals(10, Files.readAllLines(subset).size(), "25% of 40 rows");
        Path uniformTrain = runs.resolve("viggo-uniform-25pct-s1/train.yaml");
        Pipeline.build(uniformTrain, StageRegistry.load());
        JsonNode ut = yaml(uniformTrain);
        assertEquals(subset.toAbsolutePath().toString(), ut.at("/dataset/path").asText());
        assertEquals("weight", ut.at("/stages/1/finetune/weight_column").asText());
        assertEquals("count", ut.at("/stages/1/finetune/count_column").asText());
        assertEquals(1, ut.at("/stages/1/finetune/seed").asLong());
        assertTrue(ut.at("/stages/1/finetune/too_long").isMissingNode(), "too-long rows: an error by default");
    }

    @Test
    void tooLongSkipLeavesLongRowsOutOfTrainingAndScoresLongPromptsWrong() throws Exception {
        a.tooLong = "skip";
        new LlmBench(a.build(), log).dryRun(List.of());
        Path train = a.out.resolve("runs/viggo-uniform-25pct-s1/train.yaml");
        Pipeline.build(train, StageRegistry.load());
        JsonNode t = yaml(train);
        assertEquals("skip", t.at("/stages/1/finetune/too_long").asText());
        assertEquals("wrong", t.at("/stages/2/eval/too_long").asText());
        assertTrue(t.at("/stages/2/eval/allow_bad_rows").asBoolean(), "SQL's 3 broken mock tables do not stop a run");
        assertEquals("skip", yaml(a.out.resolve("bench.json")).path("too_long").asText(), "a setting of the folder");
        a.tooLong = "sometimes";
        RecipeException e = assertThrows(RecipeException.class, () -> a.build());
        assertEquals("--too-long must be error or skip, got 'sometimes'", e.getMessage());
    }

    @Test
    void updatesFullTrainsEachSubsetForAboutTheFullRunsUpdates() throws Exception {
        a.epochs = 4;
        new LlmBench(a.build(), log).dryRun(List.of());
        assertEquals(
                4,
                yaml(a.out.resolve("runs/viggo-uniform-25pct-s1/train.yaml"))
                        .at("/stages/1/finetune/epochs")
                        .asInt());
        assertTrue(yaml(a.out.resolve("bench.json")).path("updates").isMissingNode(), "the default is not written");
        a.out = a.out.resolveSibling("same-updates");
        a.updates = "full";
        new LlmBench(a.build(), log).dryRun(List.of());
        assertEquals(
                4,
                yaml(a.out.resolve("runs/viggo-full-s1/train.yaml"))
                        .at("/stages/1/finetune/epochs")
                        .asInt());
        assertEquals(
                16,
                yaml(a.out.resolve("runs/viggo-uniform-25pct-s1/train.yaml"))
                        .at("/stages/1/finetune/epochs")
                        .asInt());
        assertEquals(
                8,
                yaml(a.out.resolve("runs/viggo-lowrank-50pct-s2/train.yaml"))
                        .at("/stages/1/finetune/epochs")
                        .asInt());
        assertEquals("full", yaml(a.out.resolve("bench.json")).path("updates").asText(), "a setting of the folder");
        a.updates = "more";
        RecipeException e = assertThrows(RecipeException.class, () -> a.build());
        assertEquals("--updates must be epochs or full, got 'more'", e.getMessage());
    }

    @Test
    void templatesWithYamlSyntaxInThemSurviveTheRecipesExactly() throws Exception {
        a.prompt = "Q: \"{ref}\" # not a comment\n\t- {ref}: 'x' \\\n";
        a.response = " {mr}\n";
        a.methods = List.of("full", "lowrank");
        a.seeds = 1;
        new LlmBench(a.build(), log).dryRun(List.of());
        Path runs = a.out.resolve("runs");
        Path select = runs.resolve("viggo-lowrank-50pct-s1/select.yaml");
        Pipeline.build(select, StageRegistry.load());
        JsonNode sel = yaml(select);
        assertEquals(a.prompt, sel.at("/dataset/text").asText());
        assertEquals(a.prompt, sel.at("/stages/1/score/loss/prompt").asText());
        assertEquals(a.response, sel.at("/stages/1/score/loss/response").asText());
        Path train = runs.resolve("viggo-full-s1/train.yaml");
        Pipeline.build(train, StageRegistry.load());
        JsonNode t = yaml(train);
        assertEquals(a.prompt, t.at("/stages/1/finetune/prompt").asText());
        assertEquals(a.response, t.at("/stages/1/finetune/response").asText());
        assertEquals(a.prompt, t.at("/stages/2/eval/prompt").asText());
    }

    @Test
    void otherSettingsInTheSameFolderAreRefusedNamingWhatDiffers() throws Exception {
        new LlmBench(a.build(), log).dryRun(List.of());
        assertTrue(Files.isRegularFile(a.out.resolve("bench.json")), "the dry run pins the folder's settings");
        byte[] recipe = Files.readAllBytes(a.out.resolve("runs/viggo-full-s1/train.yaml"));
        new LlmBench(a.build(), log).dryRun(List.of()); // the same settings: fine

        a.learningRate = 1e-3;
        a.rank = 8;
        LlmBench other = new LlmBench(a.build(), log);
        String m = assertThrows(RecipeException.class, () -> other.dryRun(List.of()))
                .getMessage();
        assertTrue(m.contains(a.out + " holds runs of other settings"), m);
        assertTrue(m.contains("learning_rate: 4.0E-5 there, 0.001 now"), m);
        assertTrue(m.contains("rank: 4 there, 8 now"), m);
        assertFalse(m.contains("epochs"), "only what differs: " + m);
        assertEquals(
                new String(recipe, StandardCharsets.UTF_8),
                Files.readString(a.out.resolve("runs/viggo-full-s1/train.yaml")),
                "the refused settings wrote no recipe");
        String m2 = assertThrows(RecipeException.class, other::run).getMessage();
        assertEquals(m, m2, "running is refused the same way");
        a.seeds = 3; // more seeds are more runs of the same settings
        a.learningRate = 4e-5;
        a.rank = 4;
        assertEquals(15, new LlmBench(a.build(), log).dryRun(List.of()).size());
    }
}
