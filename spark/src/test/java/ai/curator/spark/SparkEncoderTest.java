package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embed: encoder} on Spark {@code local[2]}: the executors render {@code dataset.text} and
 * run the recipe's own encoder stage (the bundled all-MiniLM-L6-v2 through ONNX Runtime) on one
 * machine's chunk, so the vectors — and the σ and subset computed from them — are one machine's bits.
 */
class SparkEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("spark.sql.files.maxPartitionBytes");
    }

    @Test
    void executorsEmbedRowTextsAsOneMachineDoes() throws Exception {
        StringBuilder b = new StringBuilder();
        String[] things = {"apples", "the train to Paris", "a red bicycle", "tax returns", "jazz music", "soup"};
        for (int i = 0; i < 240; i++) {
            b.append(JSON.writeValueAsString(java.util.Map.of(
                            "id", "t" + i,
                            "question", "Tell me about " + things[i % things.length] + (i % 5 == 0 ? " today" : ""),
                            "n", i)))
                    .append('\n');
        }
        Files.writeString(dir.resolve("d.jsonl"), b);
        Path f = dir.resolve("r.yaml");
        Files.writeString(
                f,
                "seed: 2\ndataset: {path: d.jsonl, text: \"Q{n}: {question}\"}\nstages:\n"
                        + "  - embed: {method: encoder, model: minilm-l6, batch_size: 16}\n"
                        + "  - score: {method: low_rank_sensitivity, mode: basis, rank: 3}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 25%}\n"
                        + "  - export: {formats: [jsonl]}\noutput: one\n");
        Recipe recipe = RecipeReader.read(f);
        Pipeline.build(recipe, StageRegistry.load()).run(RunSettings.quiet(true));
        List<String> one = SubsetRows.file(dir.resolve("one/subset.jsonl"), "low_rank_sensitivity");

        System.setProperty("spark.sql.files.maxPartitionBytes", "4096"); // rows arrive from several partitions
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new SparkEngine()
                .run(
                        recipe.withOutput(dir.resolve("spark")),
                        new Engine.Settings("local[2]", false, new PrintStream(log, true, StandardCharsets.UTF_8)));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[embed: encoder] embedded 240 rows × 384 dims (minilm-l6"), text);
        assertEquals(one, SubsetRows.folder(dir.resolve("spark/subset.jsonl"), "low_rank_sensitivity"));
        JsonNode prov =
                JSON.readTree(dir.resolve("spark/subset.jsonl.provenance.json").toFile());
        assertTrue(prov.at("/stages/0/details/tokens").asLong() > 240 * 5, prov.toPrettyString());
    }
}
