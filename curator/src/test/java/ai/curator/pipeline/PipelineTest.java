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

    /** A stage that writes its own product (the selection's size) into the output directory. */
    record CountOptions(String file) {
        CountOptions {
            file = file == null ? "count.txt" : file;
        }
    }

    static final class CountProvider extends ai.curator.api.BasicStageProvider<CountOptions> {
        CountProvider() {
            super("report", "count", "writes the subset's size", CountOptions.class, o -> new ai.curator.api.Stage() {
                @Override
                public void plan(ai.curator.api.Plan plan) {}

                @Override
                public void run(ai.curator.api.StageContext ctx) {
                    Path f = ctx.outputDir().resolve(o.file());
                    try {
                        Files.writeString(
                                f,
                                Integer.toString(ctx.selection().orElseThrow().size()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    ctx.addOutput(f);
                }
            });
        }

        @Override
        public boolean writesOwnProduct() {
            return true;
        }
    }

    @Test
    void aStageWritingItsOwnProductMayFollowTheExportAndIsCached() throws Exception {
        TestFiles.qa(dir, "data.jsonl", 100);
        Path r = TestFiles.write(
                dir,
                "after.yaml",
                "dataset: {path: data.jsonl}\nstages:\n  - select: {method: uniform, budget: 7}\n"
                        + "  - export\n  - report: {method: count}\noutput: out-after\n");
        StageRegistry reg = StageRegistry.load();
        reg.register(new CountProvider());
        RunResult first = Pipeline.build(r, reg).run(RunSettings.quiet(false));
        assertEquals(0, first.cachedStages());
        assertEquals("7", Files.readString(dir.resolve("out-after/count.txt")));
        RunResult second = Pipeline.build(r, reg).run(RunSettings.quiet(false));
        assertEquals(4, second.cachedStages());
        Files.delete(dir.resolve("out-after/count.txt"));
        RunResult third = Pipeline.build(r, reg).run(RunSettings.quiet(false));
        assertEquals(3, third.cachedStages(), "a removed product is written again");
        assertEquals("7", Files.readString(dir.resolve("out-after/count.txt")));

        Path bad = TestFiles.write(
                dir,
                "bad.yaml",
                "dataset: {path: data.jsonl}\nstages:\n  - export\n  - report: {method: count}\n"
                        + "  - select: {method: uniform, budget: 7}\noutput: out-bad\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                ai.curator.api.RecipeException.class, () -> Pipeline.build(bad, reg));
        assertTrue(
                e.getMessage().contains("stages[2]: select: uniform comes after the last export stage"),
                e.getMessage());
    }
}
