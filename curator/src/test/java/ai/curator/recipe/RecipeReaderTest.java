package ai.curator.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.RecipeException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecipeReaderTest {
    private static final Path FILE = Path.of("/tmp/recipes/r.yaml");

    private static RecipeException fails(String yaml) {
        return assertThrows(RecipeException.class, () -> RecipeReader.parse(FILE, yaml));
    }

    @Test
    void readsAFullRecipe() {
        Recipe r = RecipeReader.parse(
                FILE,
                """
        name: demo
        seed: 7
        dataset: {path: ../data/x.jsonl, text: "{question}"}
        stages:
          - select: {method: uniform, budget: 10}
          - export
        output: out/demo
        """);
        assertEquals("demo", r.name());
        assertEquals(7, r.seed());
        assertEquals(Path.of("/tmp/data/x.jsonl"), r.datasetPath());
        assertEquals(2, r.stages().size());
        assertEquals("select", r.stages().get(0).role());
        assertEquals("uniform", r.stages().get(0).method());
        assertEquals(10, r.stages().get(0).options().get("budget").intValue());
        assertEquals(5, r.stages().get(0).line());
        assertEquals("export", r.stages().get(1).role());
        assertNull(r.stages().get(1).method());
        assertEquals(Path.of("/tmp/recipes/out/demo/.work"), r.workDir());
    }

    @Test
    void defaults() {
        Recipe r = RecipeReader.parse(FILE, "dataset: {path: x.jsonl}\nstages: [export]\n");
        assertEquals("r", r.name());
        assertEquals(42, r.seed());
        assertEquals(Path.of("/tmp/recipes/out/r"), r.output());
    }

    @Test
    void unknownTopKeyListsValidKeysAndLine() {
        RecipeException e = fails("dataset: {path: x.jsonl}\nstages: [export]\nsed: 3\n");
        assertTrue(e.getMessage().contains("r.yaml line 3: unknown key 'sed' in the recipe."), e.getMessage());
        assertTrue(
                e.getMessage().contains("Valid keys: dataset, name, output, seed, stages, work_dir"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean 'seed'?"), e.getMessage());
    }

    @Test
    void unknownDatasetKey() {
        RecipeException e = fails("dataset:\n  path: x.jsonl\n  txt: '{q}'\nstages: [export]\n");
        assertTrue(
                e.getMessage()
                        .contains(
                                "line 3: unknown key 'txt' in dataset. Valid keys: features, format, id, label, path, split, task, text"),
                e.getMessage());
    }

    @Test
    void missingSectionsAndBadShapes() {
        assertTrue(fails("stages: [export]\n").getMessage().contains("no 'dataset' section"));
        assertTrue(fails("dataset: {path: x.jsonl}\n").getMessage().contains("has no stages"));
        assertTrue(fails("dataset: {format: jsonl}\nstages: [export]\n")
                .getMessage()
                .contains("dataset.path is required"));
        assertTrue(fails("dataset: {path: x.jsonl}\nstages:\n  - select: uniform\n    budget: 3\n")
                .getMessage()
                .contains("is an option indented wrongly?"));
        assertTrue(fails("dataset: {path: x.jsonl}\nstages: [export]\nseed: abc\n")
                .getMessage()
                .contains("seed must be an integer"));
        assertTrue(fails("").getMessage().contains("the recipe is empty"));
    }

    @Test
    void malformedYamlNamesLine() {
        RecipeException e = fails("dataset: {path: x.jsonl\nstages: [export]\n");
        assertTrue(e.getMessage().startsWith(FILE + " line"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void unclosedBracketOrQuoteIsReportedWhereItOpened() {
        RecipeException e = fails("name: x\ndataset: {path: x.jsonl\nstages: [export]\n");
        assertTrue(
                e.getMessage()
                        .startsWith(
                                FILE + " line 2: not valid YAML: while parsing a flow mapping (line 2, column 10):"),
                e.getMessage());
        RecipeException q = fails("dataset:\n  path: x.jsonl\n  text: \"{q}\n\nstages: [export]\n");
        assertTrue(q.getMessage().startsWith(FILE + " line 3: "), q.getMessage());
        RecipeException tab = fails("dataset:\n  path: x.jsonl\n\tid: 3\nstages: [export]\n");
        assertTrue(tab.getMessage().startsWith(FILE + " line 3: "), tab.getMessage());
    }
}
