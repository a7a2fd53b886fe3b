package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.RecipeException;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossSourcesTest {
    @TempDir
    Path dir;

    @Test
    void theBundledSourcesAreRegisteredByName() {
        List<String> names =
                LossSources.load().all().stream().map(p -> p.name()).toList();
        assertTrue(names.containsAll(List.of("column", "logistic", "squared_norm")), names.toString());
        for (var p : LossSources.load().all()) {
            assertTrue(!p.summary().isBlank() && !p.summary().contains("\n"), p.name() + ": one-line summary");
        }
    }

    @Test
    void anUnknownSourceListsTheKnownOnesAndTheClosest() {
        var e = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("squared_nrom", Map.of()));
        assertTrue(
                e.getMessage().startsWith("unknown loss.source 'squared_nrom'. Loss sources are: column, "),
                e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean 'squared_norm'?"), e.getMessage());
    }

    @Test
    void aSecondProviderOfTheSameNameIsRejected() {
        LossSources r = new LossSources();
        r.register(new ColumnLossSource());
        var e = assertThrows(IllegalStateException.class, () -> r.register(new ColumnLossSource()));
        assertEquals(
                "Two loss source providers claim 'loss: {source: column}': ai.curator.score.ColumnLossSource and"
                        + " ai.curator.score.ColumnLossSource",
                e.getMessage());
    }

    @Test
    void optionsAreValidatedPerSource() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("column", Map.of("colum", "x")));
        assertEquals(
                "unknown option 'loss.colum' for loss source 'column'. Valid options: source, column. Did you mean"
                        + " 'column'?",
                unknown.getMessage());
        var other = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("squared_norm", Map.of("c", 2)));
        assertTrue(
                other.getMessage().startsWith("unknown option 'loss.c' for loss source 'squared_norm'"),
                other.getMessage());
        var type = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("logistic", Map.of("c", "big")));
        assertEquals(
                "option 'loss.c' of loss source 'logistic' has the wrong type; expected a number", type.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("logistic", Map.of("c", 0)));
        assertEquals("loss.c must be > 0, got 0.0", range.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("column", Map.of()));
        assertTrue(missing.getMessage().contains("needs loss.column"), missing.getMessage());
    }

    @Test
    void resolvedOptionsCarryTheDefaults() throws Exception {
        assertEquals(
                "{\"source\":\"logistic\",\"c\":1.0,\"balanced\":true}",
                Json.MAPPER
                        .writer()
                        .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(LossSpec.of("logistic", Map.of())));
        LossSpec read = Json.MAPPER.readValue("{\"source\":\"column\",\"column\":\"l\"}", LossSpec.class);
        assertEquals(LossSpec.of("column", Map.of("column", "l")), read);
        assertEquals("squared_norm", Json.MAPPER.readValue("{}", LossSpec.class).source());
        assertEquals(LossSpec.of("logistic", Map.of()), Json.MAPPER.readValue("\"logistic\"", LossSpec.class));
        assertEquals(1.0, LossSpec.squaredNorm().basisLosses(3)[2]);
        assertNull(read.basisLosses(3));
    }

    @Test
    void aBadLossOptionInARecipeNamesTheFileStageAndOption() throws Exception {
        TestFiles.write(dir, "d.csv", "a,b,y\n1,2,0\n3,4,1\n");
        Path r = TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: d.csv, label: y}\nstages:\n  - embed: {method: features}\n"
                        + "  - score: {method: low_rank_sensitivity, rank: 1, loss: {source: logistic, c: -1}}\n");
        var e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()));
        assertTrue(e.getMessage().contains("r.yaml line 4, stages[1]: loss.c must be > 0, got -1.0"), e.getMessage());
        Path typo = TestFiles.write(
                dir,
                "t.yaml",
                "dataset: {path: d.csv, label: y}\nstages:\n  - embed: {method: features}\n"
                        + "  - score: {method: clustering_sensitivity, clusters: 1, loss: {source: logisitc}}\n");
        var e2 = assertThrows(RecipeException.class, () -> Pipeline.build(typo, StageRegistry.load()));
        assertTrue(e2.getMessage().contains("stages[1]: unknown loss.source 'logisitc'"), e2.getMessage());
        assertTrue(e2.getMessage().contains("Did you mean 'logistic'?"), e2.getMessage());
    }
}
