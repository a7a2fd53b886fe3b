package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.LossOracle;
import ai.curator.api.RecipeException;
import ai.curator.api.StageException;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.score.ResumableLossOracle.Item;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiLossSourceTest {
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

    /** Rows q0…q(n-1): question "What is i + 1?", answer "#### i+1". */
    static Table table(int n) {
        String[] ids = new String[n];
        String[] q = new String[n];
        String[] a = new String[n];
        long[] lines = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "q" + i;
            q[i] = "What is " + i + " + 1?";
            a[i] = "#### " + (i + 1) + (i % 3 == 0 ? " apples" : "");
            lines[i] = i + 1;
        }
        return new Table(
                List.of(Column.ofStrings("id", ids), Column.ofStrings("question", q), Column.ofStrings("answer", a)),
                "id",
                lines);
    }

    static String prompt(Table t, int r) {
        return "Question: " + t.column("question").text(r) + "\nAnswer:";
    }

    static String response(Table t, int r) {
        return " " + t.column("answer").text(r);
    }

    Map<String, Object> options(Object... kv) {
        Map<String, Object> o = new HashMap<>();
        o.put("base_url", server.baseUrl());
        o.put("model", "Qwen/Qwen2.5-0.5B");
        o.put("prompt", "Question: {question}\nAnswer:");
        o.put("response", " {answer}");
        o.put("retry_seconds", 0.01);
        for (int i = 0; i < kv.length; i += 2) {
            o.put((String) kv[i], kv[i + 1]);
        }
        return o;
    }

    LossOracle oracle(Table t, Map<String, Object> options) {
        return LossSpec.of("openai", options).create(new StageHarness(t, 7, dir));
    }

    static int[] range(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Test
    void theMeanNllOfTheResponseTokensFromAVllmResponse() throws Exception {
        JsonNode body;
        try (InputStream in = getClass().getResourceAsStream("/openai/vllm-echo-logprobs.json")) {
            body = new ObjectMapper().readTree(in);
        }
        URI uri = URI.create("http://127.0.0.1:1/v1/completions");
        String[][] pr = {{"Q: 2+3=?\nA:", " 5 apples"}, {"Mood 🙂 is", "n't bad"}, {"🙂🙂 A:", " yes"}};
        double[] expected = {
            (1.25 + 3.75) / 2, // " 5", " apples"
            (2.0 + 1.0) / 2, // " isn't" straddles the boundary: a response token; " bad"
            (0.5 + 1.5) / 2 // offsets count code points: " y" [5, 7) ends after the prompt's 5
        };
        long[] tokens = {12, 4, 5};
        for (int i = 0; i < 3; i++) {
            Item it = new Item(i, "r" + i, "row id 'r" + i + "'", pr[i][0], pr[i][1]);
            var s = OpenAiCompletions.meanResponseNll(body.path("choices").get(i), it, pr[i][0] + pr[i][1], uri);
            assertEquals(expected[i], s.loss(), 1e-12, "choice " + i);
            assertEquals(tokens[i], s.tokens(), "choice " + i);
        }
    }

    @Test
    void batchesOfBatchSizeAndEveryLossAsTheServerScoredIt() {
        Table t = table(23);
        double[] got = oracle(t, options("batch_size", 4, "concurrency", 3)).losses(range(23));
        for (int r = 0; r < 23; r++) {
            assertEquals(FakeCompletionsServer.expectedLoss(response(t, r)), got[r], 1e-12, "row " + r);
            assertEquals(1, server.asked(prompt(t, r) + response(t, r)), "row " + r + " asked once");
        }
        assertEquals(6, server.requestCount(), "23 rows in batches of 4");
        for (JsonNode req : server.requests) {
            assertTrue(req.path("prompt").size() <= 4);
            assertEquals(true, req.path("echo").asBoolean());
            assertEquals(0, req.path("max_tokens").asInt());
            assertEquals(1, req.path("logprobs").asInt());
            assertEquals("Qwen/Qwen2.5-0.5B", req.path("model").asText());
        }
        // the same losses one row per request, one request at a time (a fresh cache directory)
        server.asked.clear();
        Path other = dir.resolve("other");
        double[] one = LossSpec.of("openai", options("batch_size", 1, "concurrency", 1))
                .create(new StageHarness(t, 7, other))
                .losses(range(23));
        assertArrayEquals(got, one);
    }

    @Test
    void aTokenGeneratedAfterTheEchoIsNeverScored() {
        Table t = table(3);
        double[] got = oracle(t, options("max_tokens", 1)).losses(range(3));
        for (int r = 0; r < 3; r++) {
            assertEquals(FakeCompletionsServer.expectedLoss(response(t, r)), got[r], 1e-12, "row " + r);
        }
        server.requests.forEach(req -> assertEquals(1, req.path("max_tokens").asInt()));
    }

    @Test
    void anUnknownModelPointsAtBaseUrlAndModel() {
        var e = assertThrows(RecipeException.class, () -> oracle(table(2), options("model", "missing"))
                .losses(range(2)));
        assertTrue(
                e.getMessage().contains("answered HTTP 404 (The model `missing` does not exist.); check loss.base_url"),
                e.getMessage());
        assertEquals(1, server.requestCount(), "a 404 is not retried");
    }

    @Test
    void a429IsRetriedWithBackoff() {
        server.failFirst = 2;
        server.failCode = 429;
        Table t = table(3);
        LossOracle o = oracle(t, options());
        double[] got = o.losses(range(3));
        assertEquals(FakeCompletionsServer.expectedLoss(response(t, 2)), got[2], 1e-12);
        assertEquals(3, server.requestCount());
        assertEquals(3, o.usage().requests());
        assertEquals(3, o.usage().rowsFetched());
    }

    @Test
    void a500ThatPersistsNamesTheRowKeepsWhatArrivedAndARerunAsksOnlyTheRest() throws Exception {
        Table t = table(10);
        String bad = prompt(t, 6) + response(t, 6);
        server.failText = bad::equals;
        Map<String, Object> opts = options("batch_size", 1, "concurrency", 1, "max_retries", 2);
        var e = assertThrows(StageException.class, () -> oracle(t, opts).losses(range(10)));
        assertTrue(
                e.getMessage().contains("failed for row id 'q6' after 3 tries: HTTP 500: CUDA out of memory"),
                e.getMessage());
        assertTrue(e.getMessage().contains("6 losses fetched so far are kept in "), e.getMessage());
        assertTrue(e.getMessage().contains("a rerun asks only for the rest"), e.getMessage());
        Path cacheFile = Files.list(dir.resolve("losses")).findFirst().orElseThrow();
        assertEquals(6, Files.readAllLines(cacheFile).size());

        server.failText = s -> false;
        server.asked.clear();
        LossOracle rerun = oracle(t, opts);
        double[] got = rerun.losses(range(10));
        for (int r = 0; r < 10; r++) {
            assertEquals(r < 6 ? 0 : 1, server.asked(prompt(t, r) + response(t, r)), "row " + r);
            assertEquals(FakeCompletionsServer.expectedLoss(response(t, r)), got[r], 1e-12);
        }
        assertEquals(6, rerun.usage().rowsCached());
        assertEquals(4, rerun.usage().rowsFetched());

        // a third run asks nothing, and its losses are the same doubles
        server.asked.clear();
        int before = server.requestCount();
        assertArrayEquals(got, oracle(t, opts).losses(range(10)));
        assertEquals(before, server.requestCount());
        // another model is another cache
        oracle(t, options("model", "other")).losses(new int[] {0});
        assertEquals(before + 1, server.requestCount());
    }

    @Test
    void aRowWhoseTextChangedIsAskedAgain() {
        Table t = table(4);
        oracle(t, options()).losses(range(4));
        Table changed = table(4);
        String[] a = new String[4];
        for (int r = 0; r < 4; r++) {
            a[r] = r == 2 ? "#### 99" : changed.column("answer").text(r);
        }
        Table t2 = new Table(
                List.of(changed.column("id"), changed.column("question"), Column.ofStrings("answer", a)), "id", null);
        server.asked.clear();
        double[] got = oracle(t2, options()).losses(range(4));
        assertEquals(1, server.asked.size(), "only the changed row");
        assertEquals(FakeCompletionsServer.expectedLoss(" #### 99"), got[2], 1e-12);
    }

    @Test
    void aResponseWithoutLogprobsIsAClearError() {
        server.noLogprobs = true;
        var e = assertThrows(
                StageException.class, () -> oracle(table(2), options()).losses(range(2)));
        assertTrue(e.getMessage().contains("returned no log-probabilities for row id 'q0' (line 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("echo: true with logprobs"), e.getMessage());
    }

    @Test
    void anUnreachableServerIsAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, Object> o = options("base_url", "http://127.0.0.1:" + port + "/v1", "max_retries", 1);
        var e = assertThrows(StageException.class, () -> oracle(table(2), o).losses(range(2)));
        assertTrue(
                e.getMessage()
                        .contains(
                                "The completions server at http://127.0.0.1:" + port
                                        + "/v1/completions failed for rows with ids 'q0', 'q1' after 2 tries: ConnectException"),
                e.getMessage());
        assertTrue(e.getMessage().contains("is the server running"), e.getMessage());
        assertTrue(e.getMessage().contains("(no loss was fetched)"), e.getMessage());
    }

    @Test
    void aRowLongerThanTheContextIsNamedAndTruncatedOnlyWhenAsked() {
        Table t = table(6);
        String[] q = new String[6];
        for (int r = 0; r < 6; r++) {
            q[r] = r == 4
                    ? "What is " + "very ".repeat(40) + "long?"
                    : t.column("question").text(r);
        }
        Table long4 =
                new Table(List.of(t.column("id"), Column.ofStrings("question", q), t.column("answer")), "id", null);
        server.contextTokens = 30;
        var e = assertThrows(DataException.class, () -> oracle(long4, options("batch_size", 3))
                .losses(range(6)));
        assertTrue(e.getMessage().startsWith("row id 'q4': prompt + response ("), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                "longer than the model's context; the server said: This model's maximum context length is 30 tokens"),
                e.getMessage());
        assertTrue(e.getMessage().contains("set loss.truncate: true"), e.getMessage());
        assertTrue(e.getMessage().contains("4 losses fetched so far are kept"), e.getMessage());

        LossOracle o = oracle(long4, options("batch_size", 3, "truncate", true));
        double[] got = o.losses(range(6));
        assertEquals(
                FakeCompletionsServer.expectedLoss(response(long4, 4)), got[4], 1e-12, "the response is never cut");
        assertEquals(2, o.usage().rowsFetched(), "q4 and q5; the others come from the cache");
    }

    @Test
    void theApiKeyComesFromTheNamedEnvironmentVariable() {
        var e = assertThrows(
                RecipeException.class,
                () -> oracle(table(1), options("api_key_env", "CURATOR_TEST_SURELY_UNSET_VARIABLE")));
        assertTrue(
                e.getMessage().contains("environment variable CURATOR_TEST_SURELY_UNSET_VARIABLE, which is not set"),
                e.getMessage());
        String home = System.getenv("HOME");
        org.junit.jupiter.api.Assumptions.assumeTrue(home != null && !home.isBlank(), "needs HOME set");
        oracle(table(1), options("api_key_env", "HOME")).losses(new int[] {0});
        assertEquals(List.of("Bearer " + home), server.authorizations);
    }

    @Test
    void optionsAreValidated() {
        Map<String, String> bad = Map.of(
                "base_url", "loss.base_url must be an http:// or https:// URL",
                "model", "needs loss.model",
                "batch_size", "loss.batch_size must be in [1, 1024], got 0",
                "concurrency", "loss.concurrency must be in [1, 256], got 0",
                "max_tokens", "loss.max_tokens must be 0 or 1, got 2",
                "api_key_env", "loss.api_key_env must name an environment variable",
                "prompt", "set loss.prompt and loss.response");
        Map<String, Object> values = Map.of(
                "base_url",
                "ftp://x",
                "model",
                " ",
                "batch_size",
                0,
                "concurrency",
                0,
                "max_tokens",
                2,
                "api_key_env",
                "sk-abc123",
                "prompt",
                "");
        for (var k : bad.keySet()) {
            Map<String, Object> o = options(k, values.get(k));
            if (k.equals("prompt")) {
                o.remove("prompt");
            }
            var e = assertThrows(IllegalArgumentException.class, () -> LossSpec.of("openai", o), k);
            assertTrue(e.getMessage().contains(bad.get(k)), k + ": " + e.getMessage());
        }
        var t = assertThrows(
                IllegalArgumentException.class, () -> LossSpec.of("openai", options("prompt", "{question")));
        assertTrue(t.getMessage().startsWith("loss.prompt: unclosed '{'"), t.getMessage());
        var unknown =
                assertThrows(IllegalArgumentException.class, () -> LossSpec.of("openai", options("api_key", "sk-1")));
        assertTrue(
                unknown.getMessage().contains("unknown option 'loss.api_key' for loss source 'openai'"),
                unknown.getMessage());
        var plan = new StageHarness(table(1), 1, dir)
                .embeddings(new FloatMatrix(1, 1, new float[] {1}))
                .plan();
        var missing =
                assertThrows(RecipeException.class, () -> LossSpec.of("openai", options("response", " {solution}"))
                        .plan(plan));
        assertTrue(
                missing.getMessage().contains("use field 'solution', which the data does not have"),
                missing.getMessage());
    }

    @Test
    void landmarkScoringAsksTheServerForExactlyTheLandmarkRows() {
        int n = 40;
        Table t = table(n);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        float[] x = new float[n * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        FloatMatrix emb = new FloatMatrix(n, 6, x);
        var opts = new LowRankSensitivityScorer.Options(
                2,
                "landmarks",
                null,
                null,
                null,
                0.25,
                null,
                null,
                null,
                LossSpec.of("openai", options("batch_size", 3)),
                "lrs");
        StageHarness h = new StageHarness(t, 5, dir).embeddings(emb).run(new LowRankSensitivityScorer(opts));
        // the landmarks the algorithm draws with the same seed, found with a recording in-memory oracle
        List<Integer> asked = new ArrayList<>();
        ai.curator.select.algo.LowRankSensitivity.score(
                emb,
                rows -> {
                    for (int r : rows) {
                        asked.add(r);
                    }
                    return new double[rows.length];
                },
                null,
                opts.algorithm(),
                new java.util.SplittableRandom(5));
        assertEquals(10, asked.size());
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (int r : asked) {
            expected.add(prompt(t, r) + response(t, r));
        }
        assertEquals(expected, server.asked.keySet());
        server.asked.values().forEach(c -> assertEquals(1, c.get()));
        double[] sigma = h.scores().get("lrs");
        for (int r : asked) {
            assertTrue(
                    sigma[r] >= FakeCompletionsServer.expectedLoss(response(t, r)) - 1e-9,
                    "landmarks keep their true loss");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> oracle = (Map<String, Object>) h.details.get("oracle");
        assertEquals("openai", oracle.get("source"));
        assertEquals(10L, oracle.get("rows"));
        assertEquals(40, oracle.get("rows_total"));
        assertEquals(10L, oracle.get("rows_fetched"));
        assertEquals(4L, oracle.get("requests"));
        assertTrue((Long) oracle.get("tokens") > 0);
    }
}
