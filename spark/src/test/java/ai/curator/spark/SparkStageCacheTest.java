package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.PlannedStage;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine's stage cache on {@code local[2]}: a second run reuses the scores and selection
 * (and asks nothing again; {@code embed: features}, whose only reader is then in the cache, is not
 * computed); another budget reuses the scores and draws
 * anew — the subset one machine draws for that budget; a stage folder without its record (a run
 * stopped mid-write) is recomputed; {@code --force} recomputes everything.
 */
class SparkStageCacheTest {
    @TempDir
    Path dir;

    @Test
    void aRerunReusesEmbeddingsScoresAndSelection() throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder b = new StringBuilder("id,a,b,c,loss\n");
        for (int i = 0; i < 3000; i++) {
            double u = r.nextGaussian();
            double v = r.nextGaussian();
            b.append("k")
                    .append(i)
                    .append(String.format(
                            Locale.ROOT,
                            ",%.6f,%.6f,%.6f,%.6f%n",
                            u,
                            v,
                            u - v + 0.1 * r.nextDouble(),
                            u * u + 0.2 * v * v));
        }
        Files.writeString(dir.resolve("t.csv"), b);
        Path f = dir.resolve("c.yaml");
        Files.writeString(
                f,
                "dataset: {path: t.csv}\nseed: 9\nstages:\n"
                        + "  - embed: {method: features}\n"
                        + "  - score: {method: low_rank_sensitivity, rank: 2, landmarks: 0.1, loss: {source: column, column: loss}}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 10%}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out\n");
        Recipe recipe = RecipeReader.read(f);

        String first = spark(recipe, false);
        assertTrue(first.contains("[embed: features] 3,000 x 4"), first);
        assertTrue(first.contains("[spark] stage cache: "), first);
        assertFalse(first.contains("(cached)"), first);
        List<String> firstRows = rows(recipe.output());

        String second = spark(recipe, false);
        for (String stage : List.of("score: low_rank_sensitivity", "select: sensitivity_sampling")) {
            assertTrue(second.lines().anyMatch(l -> l.startsWith("[" + stage + "]") && l.contains("(cached)")), second);
        }
        // embed: features is not computed: the only stage reading the embeddings is in the cache
        assertTrue(second.contains("[embed: features] not needed: every later stage that reads embeddings"), second);
        assertEquals(firstRows, rows(recipe.output()));

        // another budget: embeddings and scores from the cache, a new draw — one machine's
        Recipe other =
                RecipeReader.read(f, List.of(ai.curator.recipe.RecipeOverrides.Setting.parse("select.budget=25%")));
        String third = spark(other, false);
        assertTrue(third.contains("[embed: features] not needed"), third);
        assertTrue(
                third.lines().anyMatch(l -> l.startsWith("[score: low_rank_sensitivity]") && l.contains("(cached)")));
        assertTrue(
                third.lines().anyMatch(l -> l.startsWith("[select: sensitivity_sampling]") && !l.contains("(cached)")));
        Recipe otherOne = other.withOutput(dir.resolve("one"));
        Pipeline.build(otherOne, StageRegistry.load()).run(RunSettings.quiet(true));
        assertEquals(
                SubsetRows.file(dir.resolve("one/subset.jsonl"), "low_rank_sensitivity"),
                SubsetRows.folder(other.output().resolve("subset.jsonl"), "low_rank_sensitivity"));

        // a score folder without its record (stopped mid-write) is recomputed; --force recomputes all
        try (Stream<Path> s = Files.list(recipe.workDir().resolve("spark"))) {
            Path score = s.filter(p -> p.getFileName().toString().startsWith("02-score"))
                    .findFirst()
                    .orElseThrow();
            Files.delete(score.resolve("stage.json"));
        }
        String fourth = spark(recipe, false);
        assertTrue(fourth.contains("[embed: features] 3,000 x 4"), fourth); // the score reads them again
        assertTrue(
                fourth.lines().anyMatch(l -> l.startsWith("[score: low_rank_sensitivity]") && !l.contains("(cached)")));
        assertEquals(firstRows, rows(recipe.output()));
        assertFalse(spark(recipe, true).contains("(cached)"));
    }

    @Test
    void anEmbedStageIsNeededWhileALaterReaderIsNotInTheCache() throws IOException {
        Files.writeString(dir.resolve("t.csv"), "id,a,b,loss\nk0,1,2,3\n");
        Path f = dir.resolve("k.yaml");
        Files.writeString(
                f,
                "dataset: {path: t.csv}\nseed: 9\nstages:\n"
                        + "  - embed: {method: features}\n"
                        + "  - score: {method: low_rank_sensitivity, rank: 1, loss: {source: column, column: loss}}\n"
                        + "  - select: {method: k_means, budget: 1}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out\n");
        List<PlannedStage> stages =
                Pipeline.build(RecipeReader.read(f), StageRegistry.load()).stages();
        ObjectNode kept = Json.MAPPER.createObjectNode();
        assertTrue(SparkEngine.readLater(stages, 0, new ObjectNode[4]));
        assertTrue(SparkEngine.readLater(stages, 0, new ObjectNode[] {null, kept, null, null})); // k-means
        assertFalse(SparkEngine.readLater(stages, 0, new ObjectNode[] {null, kept, kept, null}));
    }

    private static String spark(Recipe r, boolean force) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new SparkEngine()
                .run(r, new Engine.Settings("local[2]", force, new PrintStream(log, true, StandardCharsets.UTF_8)));
        return log.toString(StandardCharsets.UTF_8);
    }

    private static List<String> rows(Path out) throws IOException {
        return SubsetRows.folder(out.resolve("subset.jsonl"), "low_rank_sensitivity");
    }
}
