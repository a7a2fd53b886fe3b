package ai.curator.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.recipe.Json;
import ai.curator.recipe.RecipeReader;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    @TempDir
    Path dir;

    private Path recipe(String name, long seed, String budget) throws Exception {
        if (!Files.exists(dir.resolve("data.jsonl"))) {
            TestFiles.qa(dir, "data.jsonl", 100);
        }
        return TestFiles.write(
                dir,
                name,
                "seed: " + seed + "\ndataset: {path: data.jsonl, text: \"{question}\"}\n"
                        + "stages:\n  - select: {method: uniform, budget: " + budget + "}\n"
                        + "  - export: {formats: [jsonl, parquet, arrow]}\noutput: out-" + name + "\n");
    }

    private RunResult run(Path recipe, boolean force) {
        return Pipeline.build(recipe, StageRegistry.load()).run(RunSettings.quiet(force));
    }

    @Test
    void secondRunIsCachedAndIdentical() throws Exception {
        Path r = recipe("a.yaml", 1, "10");
        RunResult first = run(r, false);
        assertEquals(0, first.cachedStages());
        byte[] jsonl = Files.readAllBytes(dir.resolve("out-a.yaml/subset.jsonl"));
        RunResult second = run(r, false);
        assertEquals(3, second.cachedStages());
        assertEquals(first.selection(), second.selection());
        RunResult forced = run(r, true);
        assertEquals(0, forced.cachedStages());
        assertArrayEquals(jsonl, Files.readAllBytes(dir.resolve("out-a.yaml/subset.jsonl")));
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherSubset() throws Exception {
        run(recipe("a.yaml", 1, "10"), false);
        run(recipe("b.yaml", 1, "10"), false);
        run(recipe("c.yaml", 2, "10"), false);
        for (String f : new String[] {"subset.jsonl", "subset.parquet", "subset.arrow"}) {
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("out-a.yaml/" + f)),
                    Files.readAllBytes(dir.resolve("out-b.yaml/" + f)),
                    f);
        }
        assertNotEquals(
                Files.readString(dir.resolve("out-a.yaml/subset.jsonl")),
                Files.readString(dir.resolve("out-c.yaml/subset.jsonl")));
    }

    @Test
    void changedOptionRecomputesFromThatStage() throws Exception {
        Path r = recipe("a.yaml", 1, "10");
        run(r, false);
        recipe("a.yaml", 1, "20");
        RunResult res = run(r, false);
        assertEquals(1, res.cachedStages(), "load is reused, select and export rerun");
        assertEquals(
                20, Files.readAllLines(dir.resolve("out-a.yaml/subset.jsonl")).size());
    }

    @Test
    void deletedOutputIsWrittenAgain() throws Exception {
        Path r = recipe("a.yaml", 1, "10");
        run(r, false);
        Files.delete(dir.resolve("out-a.yaml/subset.parquet"));
        RunResult res = run(r, false);
        assertEquals(2, res.cachedStages());
        assertTrue(Files.exists(dir.resolve("out-a.yaml/subset.parquet")));
    }

    @Test
    void provenanceRecordsRunInputsAndStages() throws Exception {
        Path r = recipe("a.yaml", 1, "10");
        run(r, false);
        JsonNode p = Json.MAPPER.readTree(
                dir.resolve("out-a.yaml/subset.jsonl.provenance.json").toFile());
        assertEquals("curator", p.at("/tool/name").asText());
        assertTrue(p.at("/tool/version").asText().length() > 0);
        assertTrue(p.at("/runtime/java").asText().startsWith("17")
                || p.at("/runtime/java").asText().length() > 0);
        assertEquals(RecipeReader.read(r).text(), p.at("/recipe/text").asText());
        assertEquals(64, p.at("/recipe/sha256").asText().length());
        assertEquals(100, p.at("/inputs/0/rows").asInt());
        assertEquals(64, p.at("/inputs/0/sha256").asText().length());
        assertEquals("load", p.at("/stages/0/role").asText());
        assertEquals("uniform", p.at("/stages/1/method").asText());
        assertEquals(10, p.at("/stages/1/options/budget").asInt());
        assertEquals(100, p.at("/stages/1/rows_in").asInt());
        assertEquals(10, p.at("/stages/1/rows_out").asInt());
        assertTrue(p.at("/stages/1/seconds").isNumber());
        assertTrue(p.at("/stages/1/seed").isIntegralNumber());
        assertEquals(10, p.at("/output/rows").asInt());
        assertEquals(64, p.at("/output/sha256").asText().length());
    }
}
