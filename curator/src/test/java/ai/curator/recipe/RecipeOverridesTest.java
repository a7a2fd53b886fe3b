package ai.curator.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.RecipeException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeOverridesTest {
    private static final Path FILE = Path.of("/tmp/recipes/r.yaml");
    private static final String YAML =
            """
            name: demo
            dataset: {path: ../data/x.jsonl, text: "{question}"}
            stages:
              - embed: encoder
              - score: {method: low_rank_sensitivity, rank: 5, loss: squared_norm}
              - select: {method: uniform, budget: 25%}
              - export
            output: ../out/demo
            """;

    private static Recipe parse(String... sets) {
        return RecipeReader.parse(
                FILE,
                YAML,
                Arrays.stream(sets).map(RecipeOverrides.Setting::parse).toList());
    }

    private static String fails(String... sets) {
        return assertThrows(RecipeException.class, () -> parse(sets)).getMessage();
    }

    @Test
    void setsAStageOptionByRoleAndByIndex() {
        Recipe r = parse("select.budget=6.25%", "stages[1].rank=8", "seed=7");
        assertEquals("6.25%", r.stages().get(2).options().get("budget").textValue());
        assertEquals(8, r.stages().get(1).options().get("rank").intValue());
        assertEquals(7, r.seed());
        assertEquals(List.of("select.budget=6.25%", "stages[1].rank=8", "seed=7"), r.overrides());
    }

    @Test
    void valuesAreYaml() {
        Recipe r =
                parse("score.loss={source: column, column: loss}", "export.formats=[jsonl]", "embed.model=minilm-l6");
        assertEquals(
                "column", r.stages().get(1).options().get("loss").get("source").textValue());
        assertEquals(
                "loss", r.stages().get(1).options().get("loss").get("column").textValue());
        assertEquals("jsonl", r.stages().get(3).options().get("formats").get(0).textValue());
        // "- embed: encoder" opened up: the method stays, the option is added
        assertEquals("encoder", r.stages().get(0).method());
        assertEquals("minilm-l6", r.stages().get(0).options().get("model").textValue());
    }

    @Test
    void nestedPathOpensAShorthandLoss() {
        Recipe r = parse("score.loss.source=column", "score.loss.column=l");
        assertEquals(
                "column", r.stages().get(1).options().get("loss").get("source").textValue());
        assertEquals("l", r.stages().get(1).options().get("loss").get("column").textValue());
    }

    @Test
    void methodCanBeSet() {
        assertEquals("k_means", parse("select.method=k_means").stages().get(2).method());
    }

    @Test
    void setValuesNameTheOutputButShareTheCache() {
        Recipe plain = parse();
        Recipe r = parse("select.budget=6.25%");
        assertEquals(Path.of("/tmp/out/demo"), plain.output());
        assertEquals(Path.of("/tmp/out/demo__select.budget=6.25%"), r.output());
        assertEquals(plain.workDir(), r.workDir());
        assertEquals(
                Path.of("/tmp/out/other"),
                parse("output=../out/other", "seed=3").output());
        assertEquals(
                Path.of("/tmp/out/demo__dataset.path=.._y.jsonl"),
                parse("dataset.path=../y.jsonl").output());
    }

    @Test
    void datasetKeysAreChecked() {
        assertEquals(Path.of("/tmp/y.jsonl"), parse("dataset.path=../y.jsonl").datasetPath());
        String m = fails("dataset.pth=x");
        assertTrue(m.contains("--set dataset.pth=x") && m.contains("unknown key 'pth'") && m.contains("path"), m);
    }

    @Test
    void unknownPathsNameThePathAndTheKnownKeys() {
        String m = fails("selct.budget=1");
        assertTrue(m.contains("--set selct.budget=1") && m.contains("unknown key 'selct'"), m);
        assertTrue(m.contains("select") && m.contains("seed") && m.contains("stages[3]"), m);
        m = fails("stages[9].rank=1");
        assertTrue(m.contains("has 4 stages"), m);
        m = fails("seed.x=1");
        assertTrue(m.contains("single value"), m);
        m = fails("budget");
        assertTrue(m.contains("KEY=VALUE"), m);
        m = fails("select=1");
        assertTrue(m.contains("name an option"), m);
    }

    @Test
    void anAmbiguousRoleAsksForAnIndex() {
        String yaml = YAML.replace("  - export", "  - select: {method: top_m, budget: 10}\n  - export");
        RecipeException e = assertThrows(
                RecipeException.class,
                () -> RecipeReader.parse(FILE, yaml, List.of(RecipeOverrides.Setting.parse("select.budget=5"))));
        assertTrue(e.getMessage().contains("2 stages have role 'select' (stages[2, 3])"), e.getMessage());
        assertTrue(e.getMessage().contains("stages[2].budget=5"), e.getMessage());
    }

    @Test
    void aBadValueFailsInValidationNamingTheOption() {
        // the reader keeps stage options as written; the pipeline checks them (see PipelineTest)
        Recipe r = parse("seed=7");
        assertEquals(7, r.seed());
        String m = fails("seed=abc");
        assertTrue(m.contains("seed must be an integer"), m);
    }
}
