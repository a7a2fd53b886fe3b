package ai.curator.eval.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.CuratorException;
import ai.curator.api.EvalTask;
import ai.curator.api.Generator;
import ai.curator.eval.run.Evaluation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiGeneratorTest {
    @TempDir
    Path dir;

    private static OpenAiGenerator generator(FakeOpenAiServer s, int concurrency, int retries) {
        return new OpenAiGenerator(
                new OpenAiGenerator.Options(s.baseUrl(), "sql-lora", "k", concurrency, retries, 10L, 10));
    }

    private static List<Generator.Request> requests(String... prompts) {
        List<Generator.Request> r = new ArrayList<>();
        for (int i = 0; i < prompts.length; i++) {
            r.add(new Generator.Request(Integer.toString(i), List.of(new Generator.Message("user", prompts[i]))));
        }
        return r;
    }

    /** The answer to "Qn" is "#### n"; other prompts are echoed. */
    private static FakeOpenAiServer.Reply answer(JsonNode req) {
        String q = req.get("messages").get(0).get("content").asText();
        return FakeOpenAiServer.ok(req.get("model").asText(), q.startsWith("Q") ? "#### " + q.substring(1) : q);
    }

    @Test
    void sendsGreedyRequestsWithStopStringsAndDeliversEachCompletion() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(OpenAiGeneratorTest::answer)) {
            Map<String, String> got = new ConcurrentHashMap<>();
            generator(s, 3, 0)
                    .generate(
                            requests("Q1", "Q2", "Q3", "Q4", "Q5"),
                            new Generator.Settings(64, 0, 1, List.of("</s>", "\n\n"), 42),
                            c -> got.put(c.id(), c.text()));
            assertEquals(Map.of("0", "#### 1", "1", "#### 2", "2", "#### 3", "3", "#### 4", "4", "#### 5"), got);
            assertEquals(5, s.requests.size());
            JsonNode r = s.requests.get(0);
            assertEquals("sql-lora", r.get("model").asText());
            assertEquals(0.0, r.get("temperature").asDouble());
            assertEquals(
                    64,
                    r.path("max_tokens").asInt(r.path("max_completion_tokens").asInt()));
            assertEquals("[\"</s>\",\"\\n\\n\"]", r.get("stop").toString());
            assertEquals("user", r.get("messages").get(0).get("role").asText());
        }
    }

    @Test
    void a429IsRetriedWithBackoffThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (FakeOpenAiServer s = new FakeOpenAiServer(
                req -> calls.incrementAndGet() <= 2 ? FakeOpenAiServer.error(429, "Too many requests") : answer(req))) {
            List<Generator.Completion> got = Collections.synchronizedList(new ArrayList<>());
            generator(s, 1, 3).generate(requests("Q7"), Generator.Settings.greedy(16), got::add);
            assertEquals(List.of(new Generator.Completion("0", "#### 7")), got);
            assertEquals(3, s.requests.size(), "two 429s, then the answer");
        }
    }

    @Test
    void retriesRunOutWithAClearError() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(req -> FakeOpenAiServer.error(503, "overloaded"))) {
            var e = assertThrows(CuratorException.class, () -> generator(s, 1, 2)
                    .generate(requests("Q1"), Generator.Settings.greedy(16), c -> {}));
            assertTrue(
                    e.getMessage().contains("request for id 0 failed after 3 tries (server error (5xx))"),
                    e.getMessage());
            assertEquals(3, s.requests.size());
        }
    }

    @Test
    void a500MidRunThenResumeNeverAsksTwice() throws Exception {
        Path data = dir.resolve("test.jsonl");
        Files.writeString(
                data,
                "{\"question\": \"Q0\", \"answer\": \"#### 0\"}\n{\"question\": \"Q1\", \"answer\": \"#### 1\"}\n"
                        + "{\"question\": \"Q2\", \"answer\": \"#### 2\"}\n{\"question\": \"Q3\", \"answer\": \"#### 9\"}\n");
        AtomicBoolean broken = new AtomicBoolean(true);
        Path out = dir.resolve("out");
        Evaluation.Options opts =
                new Evaluation.Options(null, data, null, null, null, out, null, null, null, null, null);
        PrintStream log = new PrintStream(new ByteArrayOutputStream());
        try (FakeOpenAiServer s = new FakeOpenAiServer(req -> broken.get()
                        && req.get("messages").get(0).get("content").asText().equals("Q2")
                ? FakeOpenAiServer.error(500, "CUDA out of memory")
                : answer(req))) {
            var e = assertThrows(
                    CuratorException.class,
                    () -> Evaluation.run(EvalTask.named("gsm8k"), generator(s, 1, 1), opts, log));
            assertTrue(e.getMessage().contains("request for id 2 failed after 2 tries"), e.getMessage());
            assertEquals(List.of("Q0", "Q1", "Q2", "Q2"), s.prompts(), "nothing sent after the failure");
            List<String> kept = Files.readAllLines(out.resolve("predictions.jsonl"));
            assertEquals(
                    List.of("{\"id\":\"0\",\"prediction\":\"#### 0\"}", "{\"id\":\"1\",\"prediction\":\"#### 1\"}"),
                    kept);

            broken.set(false);
            s.requests.clear();
            Evaluation.Result r = Evaluation.run(EvalTask.named("gsm8k"), generator(s, 2, 1), opts, log);
            assertEquals(
                    List.of("Q2", "Q3"), s.prompts().stream().sorted().toList(), "only the unfinished ids are asked");
            assertEquals(
                    "gsm8k exact: 3/4 = 75.0% (95% CI 30.1–95.4%, wilson)",
                    r.lines().get(0));
            assertEquals(4, Files.readAllLines(out.resolve("predictions.jsonl")).size());

            s.requests.clear();
            Evaluation.run(EvalTask.named("gsm8k"), generator(s, 2, 1), opts, log);
            assertEquals(0, s.requests.size(), "a finished run asks nothing");
        }
    }

    @Test
    void aMalformedResponseFailsNamingTheId() throws Exception {
        try (FakeOpenAiServer s =
                new FakeOpenAiServer(req -> new FakeOpenAiServer.Reply(200, "{\"choices\": [{\"message\": "))) {
            var e = assertThrows(CuratorException.class, () -> generator(s, 1, 3)
                    .generate(requests("Q1"), Generator.Settings.greedy(16), c -> {}));
            assertTrue(
                    e.getMessage().startsWith("openai " + s.baseUrl() + " model=sql-lora: request for id 0 failed: "),
                    e.getMessage());
            assertEquals(1, s.requests.size(), "a malformed answer is not retried");
        }
    }

    @Test
    void anotherRunInTheSameFolderIsRefused() throws Exception {
        Path data = dir.resolve("test.jsonl");
        Files.writeString(data, "{\"question\": \"Q0\", \"answer\": \"#### 0\"}\n");
        Path out = dir.resolve("out");
        Evaluation.Options opts =
                new Evaluation.Options(null, data, null, null, null, out, null, null, null, null, null);
        PrintStream log = new PrintStream(new ByteArrayOutputStream());
        try (FakeOpenAiServer s = new FakeOpenAiServer(OpenAiGeneratorTest::answer)) {
            Evaluation.run(EvalTask.named("gsm8k"), generator(s, 1, 0), opts, log);
            OpenAiGenerator other =
                    new OpenAiGenerator(new OpenAiGenerator.Options(s.baseUrl(), "base", null, 1, 0, 10L, 10));
            var e = assertThrows(
                    ai.curator.api.RecipeException.class,
                    () -> Evaluation.run(EvalTask.named("gsm8k"), other, opts, log));
            assertTrue(
                    e.getMessage().contains("holds predictions of another run (model: \"openai model=sql-lora\""),
                    e.getMessage());
        }
    }
}
