package ai.curator.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for a vLLM OpenAI-compatible server on 127.0.0.1, to test the client around it:
 * {@code POST /v1/completions} with {@code echo} and {@code logprobs} answers in vLLM's shape
 * (choices[].logprobs.tokens / token_logprobs / text_offset in code points, first log-probability
 * null, usage), with a toy tokenizer (words with their leading space, digits and marks alone) and
 * a fixed log-probability per token. Its errors are vLLM's: 400 with "maximum context length",
 * 429, 500.
 */
final class FakeCompletionsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("\\s?[\\p{L}']+|\\s?\\d|\\s?[^\\s\\p{L}\\d]|\\s+");

    final HttpServer server;
    /** How often each text was asked for. */
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    final List<JsonNode> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<String> authorizations = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile int failFirst; // the first n requests answer failCode
    volatile int failCode = 429;
    volatile Predicate<String> failText = t -> false; // any such text: HTTP 500, always
    volatile int contextTokens = Integer.MAX_VALUE;
    volatile boolean noLogprobs;
    private final AtomicInteger count = new AtomicInteger();

    FakeCompletionsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/completions", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    int requestCount() {
        return count.get();
    }

    int asked(String text) {
        AtomicInteger a = asked.get(text);
        return a == null ? 0 : a.get();
    }

    /** The toy tokenizer. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** The fixed log-probability of a token: -(0.5 + (sum of its code points mod 7) / 4). */
    static double logprob(String token) {
        return -(0.5 + token.codePoints().sum() % 7 / 4.0);
    }

    /** The loss the client must find: the mean -log p of the response's own tokens. */
    static double expectedLoss(String response) {
        List<String> t = tokens(response);
        return -t.stream().mapToDouble(FakeCompletionsServer::logprob).sum() / t.size();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            requests.add(body);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            int n = count.incrementAndGet();
            List<String> prompts = new ArrayList<>();
            body.path("prompt").forEach(p -> prompts.add(p.asText()));
            if (n <= failFirst) {
                reply(ex, failCode, error(failCode == 429 ? "Too Many Requests" : "Internal Server Error", failCode));
                return;
            }
            if (body.path("model").asText().equals("missing")) {
                reply(ex, 404, error("The model `missing` does not exist.", 404));
                return;
            }
            int generate = body.path("max_tokens").asInt(16);
            for (String p : prompts) {
                if (failText.test(p)) {
                    reply(ex, 500, error("CUDA out of memory", 500));
                    return;
                }
                int nt = tokens(p).size();
                if (nt > contextTokens) {
                    reply(
                            ex,
                            400,
                            error(
                                    "This model's maximum context length is " + contextTokens
                                            + " tokens. However, you requested " + nt + " tokens (" + nt
                                            + " in the messages, 0 in the completion). Please reduce the length of"
                                            + " the messages or completion.",
                                    400));
                    return;
                }
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("id", "cmpl-" + n);
            out.put("object", "text_completion");
            out.put("created", 1733101234);
            out.put("model", body.path("model").asText());
            ArrayNode choices = out.putArray("choices");
            int total = 0;
            for (int i = 0; i < prompts.size(); i++) {
                String p = prompts.get(i);
                asked.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
                ObjectNode c = choices.addObject();
                c.put("index", i);
                c.put("text", generate > 0 ? p + " the" : p);
                if (noLogprobs) {
                    c.putNull("logprobs");
                } else {
                    ObjectNode lp = c.putObject("logprobs");
                    ArrayNode off = lp.putArray("text_offset");
                    ArrayNode tlp = lp.putArray("token_logprobs");
                    ArrayNode tok = lp.putArray("tokens");
                    ArrayNode top = lp.putArray("top_logprobs");
                    int at = 0;
                    List<String> ts = tokens(p);
                    for (int t = 0; t < ts.size(); t++) {
                        String s = ts.get(t);
                        off.add(at);
                        at += s.codePointCount(0, s.length());
                        tok.add(s);
                        if (t == 0) {
                            tlp.addNull();
                            top.addNull();
                        } else {
                            tlp.add(logprob(s));
                            top.addObject().put(s, logprob(s));
                        }
                    }
                    if (generate > 0) { // one generated token after the echo
                        off.add(at);
                        tok.add(" the");
                        tlp.add(-0.01);
                        top.addObject().put(" the", -0.01);
                    }
                    total += ts.size();
                }
                c.put("finish_reason", "length");
                c.putNull("stop_reason");
                c.putNull("prompt_logprobs");
            }
            ObjectNode usage = out.putObject("usage");
            usage.put("prompt_tokens", total);
            usage.put("total_tokens", total);
            usage.put("completion_tokens", 0);
            reply(ex, 200, out.toString());
        }
    }

    private static String error(String message, int code) {
        ObjectNode e = JSON.createObjectNode();
        e.put("object", "error");
        e.put("message", message);
        e.put("type", code == 400 ? "BadRequestError" : code == 404 ? "NotFoundError" : "InternalServerError");
        e.putNull("param");
        e.put("code", code);
        return e.toString();
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
