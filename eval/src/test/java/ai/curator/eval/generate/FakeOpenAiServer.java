package ai.curator.eval.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A local HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol as vLLM does, to
 * test the client around it: each request body is recorded, and {@code reply} decides the answer
 * (status and body) from the request.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP answer. */
    public record Reply(int status, String body) {}

    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    volatile Function<JsonNode, Reply> reply;

    public FakeOpenAiServer(Function<JsonNode, Reply> reply) throws IOException {
        this.reply = reply;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The user text of every request received, in arrival order. */
    public List<String> prompts() {
        return requests.stream()
                .map(r -> r.get("messages")
                        .get(r.get("messages").size() - 1)
                        .get("content")
                        .asText())
                .toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        requests.add(body);
        Reply r = reply.apply(body);
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(r.status(), bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    /** A 200 answer shaped like vLLM 0.6's chat completion. */
    public static Reply ok(String model, String content) {
        try {
            String c = JSON.writeValueAsString(content);
            return new Reply(
                    200,
                    "{\"id\":\"chatcmpl-9f1c2d\",\"object\":\"chat.completion\",\"created\":1733140000,\"model\":\""
                            + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                            + c
                            + ",\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null}],"
                            + "\"usage\":{\"prompt_tokens\":52,\"total_tokens\":61,\"completion_tokens\":9,"
                            + "\"prompt_tokens_details\":null},\"prompt_logprobs\":null}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An error answer shaped like vLLM's ({@code {"object": "error", ...}}). */
    public static Reply error(int status, String message) {
        return new Reply(
                status,
                "{\"object\":\"error\",\"message\":\"" + message + "\",\"type\":\""
                        + (status == 429 ? "RateLimitError" : "InternalServerError") + "\",\"param\":null,\"code\":"
                        + status + "}");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
