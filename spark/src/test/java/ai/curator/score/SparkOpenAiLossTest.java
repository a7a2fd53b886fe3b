package ai.curator.score;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Low-rank sensitivity in landmark mode with losses from an OpenAI-compatible completions server (a
 * local stand-in speaking vLLM's format), on Spark {@code local[2]} against one machine: the driver
 * asks the server for the same landmark rows, so σ and the subset are the same bits; with one
 * machine's work folder, Spark finds every loss in the loss cache and asks nothing.
 */
class SparkOpenAiLossTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    FakeCompletionsServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeCompletionsServer();
        System.setProperty("spark.sql.files.maxPartitionBytes", "8192"); // several partitions
    }

    @AfterEach
    void stop() {
        server.close();
        System.clearProperty("spark.sql.files.maxPartitionBytes");
    }

    private Path recipe(String name, String workDir) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(
                f,
                "seed: 5\ndataset: {path: d.csv, features: [f1, f2, f3]}\nstages:\n"
                        + "  - embed: {method: features}\n"
                        + "  - score:\n      method: low_rank_sensitivity\n      rank: 2\n      landmarks: 0.1\n"
                        + "      loss: {source: openai, base_url: \"" + server.baseUrl() + "\", model: m,"
                        + " prompt: \"Question: {question}\\nAnswer:\", response: \" {answer}\", batch_size: 8,"
                        + " concurrency: 2}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 10%}\n"
                        + "  - export: {formats: [jsonl]}\noutput: " + name + "\nwork_dir: " + workDir + "\n");
        return f;
    }

    @Test
    void landmarkLossesFromAServerGiveOneMachinesSubsetAndShareItsLossCache() throws Exception {
        StringBuilder csv = new StringBuilder("id,f1,f2,f3,question,answer\n");
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 600; i++) {
            double u = rnd.nextGaussian();
            csv.append("q").append(i).append(',');
            csv.append(
                    String.format(Locale.ROOT, "%.4f,%.4f,%.4f,", u, rnd.nextGaussian(), u + 0.1 * rnd.nextGaussian()));
            csv.append("What is ")
                    .append(i)
                    .append(" plus ")
                    .append(i % 7)
                    .append("?,The sum is ")
                    .append(i + i % 7)
                    .append(i % 3 == 0 ? " and that is all" : "")
                    .append('\n');
        }
        Files.writeString(dir.resolve("d.csv"), csv);

        Recipe one = RecipeReader.read(recipe("one", "w-one"));
        Pipeline.build(one, StageRegistry.load()).run(RunSettings.quiet(true));
        int asked = server.requestCount();
        assertTrue(asked >= 60 / 8, asked + " requests");
        List<String> oneRows = rows(dir.resolve("one/subset.jsonl"));

        // Spark, its own work folder: the driver asks the server for the same 60 landmarks
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Recipe spark = RecipeReader.read(recipe("spark", "w-spark"));
        new ai.curator.spark.SparkEngine()
                .run(spark, new Engine.Settings("local[2]", false, new PrintStream(log, true, StandardCharsets.UTF_8)));
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(2 * asked, server.requestCount(), text);
        assertEquals(oneRows, rows(dir.resolve("spark/subset.jsonl")));
        assertTrue(text.contains("loss oracle openai: 60 of 600 rows (10.0%)"), text);
        JsonNode prov =
                JSON.readTree(dir.resolve("spark/subset.jsonl.provenance.json").toFile());
        assertEquals(60, prov.at("/stages/1/details/oracle/rows").asInt(), prov.toPrettyString());

        // Spark on one machine's work folder: every landmark loss is in the cache, nothing is asked
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        Recipe again = RecipeReader.read(recipe("again", "w-one"));
        new ai.curator.spark.SparkEngine()
                .run(
                        again,
                        new Engine.Settings("local[2]", false, new PrintStream(log2, true, StandardCharsets.UTF_8)));
        assertEquals(2 * asked, server.requestCount());
        assertTrue(log2.toString(StandardCharsets.UTF_8).contains("60 kept from an earlier run"), log2.toString());
        assertEquals(oneRows, rows(dir.resolve("again/subset.jsonl")));
    }

    /** id, count, weight and σ's bits of each subset row (a file, or Spark's folder of part files). */
    private static List<String> rows(Path jsonl) throws Exception {
        List<Path> files;
        if (Files.isDirectory(jsonl)) {
            try (Stream<Path> s = Files.list(jsonl)) {
                files = s.filter(p -> p.getFileName().toString().startsWith("part-"))
                        .sorted()
                        .toList();
            }
        } else {
            files = List.of(jsonl);
        }
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                JsonNode n = JSON.readTree(line);
                out.add(n.get("id").asText() + " " + n.get("count").asLong() + " "
                        + n.get("weight").asDouble() + " "
                        + Double.doubleToLongBits(n.get("low_rank_sensitivity").asDouble()));
            }
        }
        assertTrue(out.size() > 20, out.size() + " rows");
        return out;
    }
}
