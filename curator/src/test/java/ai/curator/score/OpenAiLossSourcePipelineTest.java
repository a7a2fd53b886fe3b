package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.StageException;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.ProgressBars;
import ai.curator.pipeline.RunResult;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recipe run whose scorer asks a (local, vLLM-shaped) completions server: cost report and resume. */
class OpenAiLossSourcePipelineTest {
    @TempDir
    Path dir;

    FakeCompletionsServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeCompletionsServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path recipe() throws Exception {
        StringBuilder csv = new StringBuilder("id,f1,f2,f3,question,answer\n");
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 40; i++) {
            csv.append("r").append(i).append(',');
            for (int f = 0; f < 3; f++) {
                csv.append(String.format(java.util.Locale.ROOT, "%.4f,", rnd.nextGaussian()));
            }
            csv.append("What is ").append(i).append(" + 1?,#### ").append(i + 1).append('\n');
        }
        TestFiles.write(dir, "d.csv", csv.toString());
        return TestFiles.write(
                dir,
                "r.yaml",
                "seed: 3\ndataset: {path: d.csv, features: [f1, f2, f3]}\nstages:\n"
                        + "  - embed: {method: features}\n"
                        + "  - score:\n      method: low_rank_sensitivity\n      rank: 2\n      landmarks: 0.25\n"
                        + "      loss: {source: openai, base_url: \"" + server.baseUrl() + "\", model: m,"
                        + " prompt: \"Question: {question}\\nAnswer:\", response: \" {answer}\", batch_size: 2,"
                        + " concurrency: 1, max_retries: 1, retry_seconds: 0.01}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 10}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out\n");
    }

    private RunResult run(Path recipe, ByteArrayOutputStream log) {
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        return Pipeline.build(recipe, StageRegistry.load())
                .run(new RunSettings(false, ps, new ProgressBars(false, ps)));
    }

    @Test
    void theCostIsReportedAndAFailedRunResumes() throws Exception {
        Path r = recipe();
        // the server goes down for good after answering two batches: the run stops and keeps what arrived
        server.failText = t -> server.asked.size() >= 4 && server.asked(t) == 0;
        ByteArrayOutputStream log1 = new ByteArrayOutputStream();
        var e = assertThrows(StageException.class, () -> run(r, log1));
        assertTrue(e.getMessage().contains("HTTP 500: CUDA out of memory"), e.getMessage());
        assertTrue(e.getMessage().contains("a rerun asks only for the rest"), e.getMessage());
        int askedFirst = server.asked.size();
        assertEquals(4, askedFirst);

        server.failText = t -> false;
        server.asked.clear();
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        RunResult res = run(r, log2);
        assertEquals(10, res.selection().draws());
        assertEquals(10 - askedFirst, server.asked.size(), "the rerun asks only the landmarks not yet fetched");
        String log = log2.toString(StandardCharsets.UTF_8);
        assertTrue(
                log.matches("(?s).*\\[2/4 score low_rank_sensitivity\\] scores \\[low_rank_sensitivity\\]; loss"
                        + " oracle openai: 10 of 40 rows \\(25\\.0%\\) in [0-9.]+ s, " + askedFirst
                        + " kept from an earlier run, [0-9,]+ tokens in [0-9]+ requests; every row would be ≈ [0-9,]+"
                        + " tokens .*"),
                log);
        JsonNode prov = Json.MAPPER.readTree(
                dir.resolve("out/subset.jsonl.provenance.json").toFile());
        JsonNode oracle = prov.at("/stages/2/details/oracle");
        assertEquals("openai", oracle.path("source").asText(), prov.toString());
        assertEquals(10, oracle.path("rows").asInt());
        assertEquals(40, oracle.path("rows_total").asInt());
        assertEquals(askedFirst, oracle.path("rows_cached").asInt());
        assertEquals(10 - askedFirst, oracle.path("rows_fetched").asInt());
        assertTrue(oracle.path("tokens").asLong() > 0);
        assertTrue(Files.list(dir.resolve("out/.work/losses")).count() == 1);
    }
}
