package ai.curator.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.recipe.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
    @TempDir
    Path dir;

    @Test
    void embeddingsAreCachedAndRecordedInProvenance() throws Exception {
        TestFiles.write(dir, "t.csv", "a,b,target\n1,2,0\n2,4,1\n3,7,0\n4,1,1\n");
        Path r = TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: t.csv, label: target}\nstages:\n"
                        + "  - embed: {method: features}\n  - select: {method: uniform, budget: 2}\n  - export: {formats: [jsonl]}\n");
        RunResult first = Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(false));
        RunResult second = Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(false));
        assertEquals(4, second.cachedStages());
        assertEquals(first.selection(), second.selection());
        try (var s = Files.list(dir.resolve("out/r/.work"))) {
            Path embedDir = s.filter(p -> p.getFileName().toString().startsWith("01-embed-features"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(Files.exists(embedDir.resolve("embeddings.arrow")));
            float[] cached = ai.curator.io.ArrowIo.readMatrix(embedDir.resolve("embeddings.arrow"))
                    .data();
            assertEquals(8, cached.length);
            assertArrayEquals(new float[] {(float) ((1 - 2.5) / Math.sqrt(1.25))}, new float[] {cached[0]}, 1e-6f);
        }
        var prov = Json.MAPPER.readTree(
                dir.resolve("out/r/subset.jsonl.provenance.json").toFile());
        assertEquals("features2+zscore", prov.at("/stages/1/embedding_source").asText());
    }

    @Test
    void recipesThatDifferOnlyInTheirSeedShareTheEmbeddingsButNotTheSelection() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,target\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i)
                    .append(',')
                    .append(i * 7 % 11)
                    .append(',')
                    .append(i % 2)
                    .append('\n');
        }
        TestFiles.write(dir, "t.csv", csv.toString());
        String body = "dataset: {path: t.csv, label: target}\nwork_dir: shared-work\nstages:\n"
                + "  - embed: {method: features}\n  - select: {method: uniform, budget: 5}\n"
                + "  - export: {formats: [jsonl]}\n";
        Path one = TestFiles.write(dir, "one.yaml", "seed: 1\n" + body + "output: out-1\n");
        Path two = TestFiles.write(dir, "two.yaml", "seed: 2\n" + body + "output: out-2\n");
        RunResult first = Pipeline.build(one, StageRegistry.load()).run(RunSettings.quiet(false));
        RunResult second = Pipeline.build(two, StageRegistry.load()).run(RunSettings.quiet(false));
        assertEquals(0, first.cachedStages());
        assertEquals(2, second.cachedStages(), "load and embed are shared; select and export depend on the seed");
        org.junit.jupiter.api.Assertions.assertNotEquals(first.selection(), second.selection());
        try (var s = Files.list(dir.resolve("shared-work"))) {
            assertEquals(
                    1,
                    s.filter(p -> p.getFileName().toString().startsWith("01-embed-features"))
                            .count());
        }
        var prov = Json.MAPPER.readTree(
                dir.resolve("out-2/subset.jsonl.provenance.json").toFile());
        assertTrue(prov.at("/stages/1/seed").isMissingNode(), "a seed-free stage records no seed");
        assertTrue(prov.at("/stages/2/seed").isIntegralNumber());
    }

    /** A stage that says it does not use the seed but draws from its random stream: a defect, caught. */
    static final class LyingProvider extends ai.curator.api.BasicStageProvider<LyingProvider.Options> {
        record Options(Integer unused) {}

        LyingProvider() {
            super(
                    "report",
                    "liar",
                    "draws although it says it does not",
                    Options.class,
                    o -> new ai.curator.api.Stage() {
                        @Override
                        public void plan(ai.curator.api.Plan plan) {}

                        @Override
                        public void run(ai.curator.api.StageContext ctx) {
                            ctx.random().nextInt();
                        }

                        @Override
                        public boolean usesSeed() {
                            return false;
                        }
                    });
        }
    }

    @Test
    void aStageThatSaysItIgnoresTheSeedCannotDrawRandomNumbers() throws Exception {
        TestFiles.write(dir, "t.csv", "a,b,target\n1,2,0\n2,4,1\n3,7,0\n4,1,1\n");
        Path r = TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: t.csv, label: target}\nstages:\n  - report: {method: liar}\n"
                        + "  - select: {method: uniform, budget: 2}\n  - export: {formats: [jsonl]}\n");
        StageRegistry reg = StageRegistry.load();
        reg.register(new LyingProvider());
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                ai.curator.api.StageException.class,
                () -> Pipeline.build(r, reg).run(RunSettings.quiet(false)));
        assertTrue(e.getMessage().contains("declares usesSeed() false"), e.getMessage());
    }
}
