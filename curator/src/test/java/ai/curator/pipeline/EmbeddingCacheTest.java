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
}
