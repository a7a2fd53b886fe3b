package ai.curator.eval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.cli.CuratorCli;
import ai.curator.eval.generate.FakeOpenAiServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {
    @TempDir
    Path dir;

    Path data;

    record Result(int code, String out, String err) {}

    static Result exec(String... args) {
        CommandLine cl = CuratorCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void gsm8kFile() throws Exception {
        data = dir.resolve("test.jsonl");
        Files.writeString(
                data,
                """
                {"question": "Q0", "answer": "1+1=2\\n#### 2"}
                {"question": "Q1", "answer": "#### 1,000"}
                {"question": "Q2", "answer": "#### 5"}
                {"question": "Q3", "answer": "#### 7"}
                """);
    }

    private Path preds(String... lines) throws Exception {
        Path p = dir.resolve("preds.jsonl");
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    @Test
    void scoresAPredictionsFileAndWritesEveryReport() throws Exception {
        Path p = preds(
                "{\"id\": \"0\", \"prediction\": \"so 2\\n#### 2\"}",
                "{\"id\": 1, \"prediction\": \"#### 1000\"}",
                "{\"id\": \"2\", \"prediction\": \"It is $5.\"}",
                "{\"id\": \"3\", \"prediction\": \"#### 8\"}");
        Path out = dir.resolve("out");
        Result r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("gsm8k exact: 1/4 = 25.0% (95% CI 4.6–69.9%, wilson)", lines.get(0));
        assertEquals("gsm8k normalized: 2/4 = 50.0% (95% CI 15.0–85.0%, wilson)", lines.get(1));
        assertEquals("gsm8k flexible: 3/4 = 75.0% (95% CI 30.1–95.4%, wilson)", lines.get(2));
        for (String f : List.of(
                "predictions.jsonl", "examples.jsonl", "summary.json", "summary.md", "summary.csv", "run.json")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        List<String> ex = Files.readAllLines(out.resolve("examples.jsonl"));
        assertEquals(4, ex.size());
        JsonNode e1 = new ObjectMapper().readTree(ex.get(1));
        assertEquals("1", e1.get("id").asText());
        assertEquals("Q1", e1.get("prompt").asText());
        assertEquals("1000", e1.get("answer").asText());
        assertFalse(e1.get("correct").asBoolean());
        assertEquals(1.0, e1.get("metrics").get("normalized").get(0).asDouble());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(0.25, s.get("metrics").get(0).get("value").asDouble());
        assertTrue(s.get("provenance").get("generator").asText().startsWith("predictions "), s.toString());
        assertEquals(64, s.get("provenance").get("data_sha256").asText().length());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("| exact | 1 | 4 | 25.0% |"));
        assertTrue(Files.readString(out.resolve("summary.csv")).contains("gsm8k,file,exact,1,4,0.250000,"));

        // the predictions file edited and scored again into the same folder: read afresh
        Path p2 = preds(
                "{\"id\": \"0\", \"prediction\": \"#### 2\"}",
                "{\"id\": \"1\", \"prediction\": \"#### 1,000\"}",
                "{\"id\": \"2\", \"prediction\": \"#### 5\"}",
                "{\"id\": \"3\", \"prediction\": \"#### 7\"}");
        Result again = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p2.toString(),
                "--out",
                out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().startsWith("gsm8k exact: 4/4 = 100.0%"), again.out());
    }

    @Test
    void anUnknownTaskListsTheKnownOnes() {
        Result r = exec("eval", "--task", "mmlu", "--predictions", "x.jsonl");
        assertEquals(2, r.code());
        assertEquals(
                "error: unknown evaluation task 'mmlu'; known: gsm8k, sql, viggo",
                r.err().strip());
        Result z = exec("eval", "--task", "gsm8k", "--predictions", "x.jsonl", "--max-new-tokens", "0");
        assertEquals(2, z.code());
        assertEquals("error: --max-new-tokens must be >= 1, got 0", z.err().strip());
        Result both =
                exec("eval", "--task", "gsm8k", "--predictions", "x.jsonl", "--endpoint", "http://127.0.0.1:1/v1");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Result s = exec("eval", "--task", "viggo", "--split", "dev", "--predictions", "x.jsonl");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("task viggo has no split 'dev'; known: validation, test, train"), s.err());
    }

    @Test
    void missingIdsAreNamedAndScoredOnlyWhenAllowed() throws Exception {
        Path p = preds("{\"id\": \"0\", \"prediction\": \"#### 2\"}", "{\"id\": \"2\", \"prediction\": \"#### 5\"}");
        Path out = dir.resolve("o");
        Result r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                out.toString());
        assertEquals(2, r.code());
        assertEquals(
                "error: " + p
                        + ": no prediction for 2 of 4 test rows (ids 1, 3); pass --allow-missing to score the rest",
                r.err().strip());
        Result ok = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                out.toString(),
                "--allow-missing");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().startsWith("gsm8k exact: 2/2 = 100.0%"), ok.out());
        Result lim = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o2").toString(),
                "--limit",
                "1");
        assertEquals(0, lim.code(), lim.err());
        assertTrue(lim.out().startsWith("gsm8k exact: 1/1 = 100.0%"), lim.out());
    }

    @Test
    void duplicateUnknownAndMalformedPredictionsNameTheLine() throws Exception {
        Path p = preds(
                "{\"id\": \"0\", \"prediction\": \"a\"}",
                "{\"id\": \"1\", \"prediction\": \"b\"}",
                "{\"id\": 0, \"prediction\": \"c\"}");
        Result r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertEquals(
                "error: " + p + " line 3: duplicate id 0 (first on line 1)",
                r.err().strip());
        p = preds("{\"id\": \"0\", \"prediction\": \"a\"}", "{\"id\": \"17\", \"prediction\": \"b\"}");
        r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + p + " line 2: id 17 is not a row of " + data), r.err());
        p = preds("{\"id\": \"0\", \"prediction\": \"a\"}", "{\"id\": \"1\", \"prediction\": 3}");
        r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertEquals(
                "error: " + p + " line 2 (id 1): needs a 'prediction' string, found number",
                r.err().strip());
        p = preds("{\"id\": \"0\", \"prediction\": \"a\"", "");
        r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + p + " line 1: not a JSON object"), r.err());
    }

    @Test
    void anUnreachableEndpointExitsTwoAndLosesNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = exec(
                "eval",
                "--task",
                "gsm8k",
                "--data",
                data.toString(),
                "--endpoint",
                "http://127.0.0.1:" + port + "/v1",
                "--model",
                "m",
                "--retries",
                "0",
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: cannot reach http://127.0.0.1:" + port + "/v1"), r.err());
        assertTrue(r.err().contains("is the server running?"), r.err());
        Result noModel = exec("eval", "--task", "gsm8k", "--endpoint", "http://127.0.0.1:1/v1");
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("--endpoint needs --model NAME"), noModel.err());
        Result badUrl = exec("eval", "--task", "gsm8k", "--endpoint", "localhost:8000", "--model", "m");
        assertEquals(2, badUrl.code());
        assertTrue(badUrl.err().contains("is not an http(s) URL"), badUrl.err());
    }

    @Test
    void aMalformedEndpointResponseExitsOneAndKeepsWhatFinished() throws Exception {
        Path out = dir.resolve("o");
        try (FakeOpenAiServer s = new FakeOpenAiServer(req -> {
            String q = req.get("messages").get(0).get("content").asText();
            return q.equals("Q2")
                    ? new FakeOpenAiServer.Reply(200, "{\"id\": \"x\", \"choices\": [")
                    : FakeOpenAiServer.ok("m", "#### " + q.substring(1));
        })) {
            Result r = exec(
                    "eval",
                    "--task",
                    "gsm8k",
                    "--data",
                    data.toString(),
                    "--endpoint",
                    s.baseUrl(),
                    "--model",
                    "m",
                    "--concurrency",
                    "1",
                    "--out",
                    out.toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(
                    r.err().startsWith("error: openai " + s.baseUrl() + " model=m: request for id 2 failed: "),
                    r.err());
            assertEquals(2, Files.readAllLines(out.resolve("predictions.jsonl")).size(), "ids 0 and 1 are kept");
        }
        try (FakeOpenAiServer s = new FakeOpenAiServer(req -> FakeOpenAiServer.ok(
                "m",
                "#### " + req.get("messages").get(0).get("content").asText().substring(1)))) {
            Result r = exec(
                    "eval",
                    "--task",
                    "gsm8k",
                    "--data",
                    data.toString(),
                    "--endpoint",
                    s.baseUrl(),
                    "--model",
                    "m",
                    "--out",
                    out.toString());
            // the server back on another port, same model: only the unfinished ids are asked
            assertEquals(0, r.code(), r.err());
            assertEquals(List.of("Q2", "Q3"), s.prompts().stream().sorted().toList());
            assertTrue(r.out().startsWith("gsm8k exact: 0/4 = 0.0%"), r.out()); // Qn is answered n
        }
    }

    @Test
    void aBadMockTableRowExitsTwoUnlessAllowed() throws Exception {
        Path f = dir.resolve("mock.jsonl");
        String ctx = "CREATE TABLE t (a VARCHAR)";
        Files.writeString(
                f,
                "{\"context\": \"" + ctx + "\", \"question\": \"q\", \"sql_query\": \"select a from t\","
                        + " \"data_table\": \"{\\\"t\\\": [{\\\"a\\\": \\\"x\\\"}]}\", \"idx\": 5}\n"
                        + "{\"context\": \"" + ctx + "\", \"question\": \"q\", \"sql_query\": \"select a from t\","
                        + " \"data_table\": \"{\\\"t\\\": [{\\\"b\\\": \\\"x\\\"}]}\", \"idx\": 6}\n");
        Path p = preds(
                "{\"id\": \"5\", \"prediction\": \"SELECT a FROM t\"}",
                "{\"id\": \"6\", \"prediction\": \"select a from t\"}");
        Result r = exec(
                "eval",
                "--task",
                "sql",
                "--data",
                f.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertEquals(
                "error: " + f
                        + " line 2 (id 6): data_table.t[0] has column 'b', which table t does not have (columns: a);"
                        + " pass --allow-bad-rows to evaluate them without the metric it stops",
                r.err().strip());
        Result ok = exec(
                "eval",
                "--task",
                "sql",
                "--data",
                f.toString(),
                "--predictions",
                p.toString(),
                "--out",
                dir.resolve("o").toString(),
                "--allow-bad-rows");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("sql exact: 1/2 = 50.0%"), ok.out());
        assertTrue(ok.out().contains("sql execution: 1/1 = 100.0%"), ok.out());
    }
}
