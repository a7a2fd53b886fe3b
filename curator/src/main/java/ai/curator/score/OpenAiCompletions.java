package ai.curator.score;

import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.api.StageException;
import ai.curator.score.ResumableLossOracle.Item;
import ai.curator.score.ResumableLossOracle.Scored;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of {@link OpenAiLossSource}: {@code POST BASE_URL/completions} with {@code {model,
 * prompt: [prompt + response, …], max_tokens: 0, echo: true, logprobs: 1, temperature: 0}}, read
 * back as OpenAI's legacy completion format: {@code choices[i].text} (the echoed text), and
 * {@code choices[i].logprobs} with {@code tokens}, {@code token_logprobs} (the first null: nothing
 * precedes it) and {@code text_offset}, each token's start in the echoed text.
 */
final class OpenAiCompletions {
    /** Lenient on what servers send: Python's json writes -Infinity for a zero-probability token. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final Pattern CONTEXT =
            Pattern.compile("(?i)(maximum context length|context length|context window|too many tokens|too long)");
    private static final Pattern MAX_LEN = Pattern.compile("(?i)maximum context length is (\\d+)");
    private static final Pattern REQUESTED = Pattern.compile("(?i)(?:requested|prompt has|contains at least) (\\d+)");

    private final OpenAiLossSource.Options options;
    private final String apiKey;
    private final URI uri;
    private final HttpClient http;
    private final SplittableRandom jitter;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();

    OpenAiCompletions(OpenAiLossSource.Options options, String apiKey, long seed) {
        this.options = options;
        this.apiKey = apiKey;
        this.uri = URI.create(options.baseUrl() + "/completions");
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis((long) Math.min(30_000, options.timeoutSeconds() * 1000)))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.jitter = new SplittableRandom(seed);
    }

    long requests() {
        return requests.get();
    }

    long truncatedRows() {
        return truncated.get();
    }

    /** Scores one batch; a batch the server finds too long is asked again row by row. */
    List<Scored> score(List<Item> batch) throws InterruptedException {
        List<String> prompts = new ArrayList<>();
        for (Item it : batch) {
            prompts.add(it.prompt() + it.response());
        }
        try {
            return parse(post(prompts, batch), batch, prompts);
        } catch (TooLong e) {
            if (batch.size() > 1) {
                List<Scored> out = new ArrayList<>();
                for (Item it : batch) {
                    try {
                        out.addAll(score(List.of(it)));
                    } catch (RuntimeException failed) {
                        throw new ResumableLossOracle.PartialFailure(out, failed);
                    }
                }
                return out;
            }
            return scoreTruncated(batch.get(0), e);
        }
    }

    /** One row the server found too long: cut its prompt from the left, or fail naming it. */
    private List<Scored> scoreTruncated(Item it, TooLong e) throws InterruptedException {
        String full = it.prompt() + it.response();
        if (!options.truncate()) {
            throw new DataException(it.where() + ": prompt + response (" + full.length()
                    + " characters) is longer than the model's context; the server said: " + sentence(e.getMessage())
                    + " Shorten the row, or set loss.truncate: true to cut prompts from the left");
        }
        String prompt = it.prompt();
        TooLong last = e;
        for (int attempt = 0; attempt < 8 && !prompt.isEmpty(); attempt++) {
            prompt = cut(prompt, it.response(), last.getMessage());
            Item shorter = new Item(it.row(), it.id(), it.where(), prompt, it.response());
            try {
                List<String> one = List.of(prompt + it.response());
                List<Scored> got = parse(post(one, List.of(shorter)), List.of(shorter), one);
                truncated.incrementAndGet();
                return got;
            } catch (TooLong again) {
                last = again;
            }
        }
        throw new DataException(it.where() + ": even with its prompt cut (to " + prompt.length()
                + " characters) the row is longer than the model's context; the response alone is too long."
                + " The server said: " + last.getMessage());
    }

    /**
     * The prompt shortened from the left: by the share of tokens over the limit when the server's
     * message gives both numbers (vLLM's does), else by half; whole code points only.
     */
    static String cut(String prompt, String response, String serverMessage) {
        Matcher max = MAX_LEN.matcher(serverMessage);
        Matcher req = REQUESTED.matcher(serverMessage);
        int cps = prompt.codePointCount(0, prompt.length());
        int drop;
        if (max.find() && req.find()) {
            double limit = Double.parseDouble(max.group(1));
            double asked = Double.parseDouble(req.group(1));
            double total = cps + response.codePointCount(0, response.length());
            drop = (int) Math.ceil(total * (asked - limit) / asked * 1.1) + 1;
        } else {
            drop = (cps + 1) / 2;
        }
        drop = Math.min(cps, Math.max(1, drop));
        return prompt.substring(prompt.offsetByCodePoints(0, drop));
    }

    /** The server's body for a successful request; retries connection errors, 429 and 5xx. */
    private JsonNode post(List<String> prompts, List<Item> batch) throws InterruptedException, TooLong {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", options.model());
        ArrayNode p = body.putArray("prompt");
        prompts.forEach(p::add);
        body.put("max_tokens", options.maxTokens());
        body.put("echo", true);
        body.put("logprobs", 1);
        body.put("temperature", 0);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis((long) (options.timeoutSeconds() * 1000)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) {
            rb.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = rb.build();
        String lastProblem = null;
        for (int attempt = 0; ; attempt++) {
            double retryAfter = -1;
            try {
                requests.incrementAndGet();
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                int code = r.statusCode();
                if (code == 200) {
                    try {
                        return JSON.readTree(r.body());
                    } catch (IOException e) {
                        throw new StageException("The completions server at " + uri + " sent a body that is not JSON"
                                + " for " + OpenAiLossSource.ids(batch) + ": " + e.getMessage());
                    }
                }
                String msg = serverMessage(r.body());
                if (code == 429 || code >= 500) {
                    lastProblem = "HTTP " + code + ": " + msg;
                    retryAfter = r.headers()
                            .firstValue("Retry-After")
                            .map(OpenAiCompletions::seconds)
                            .orElse(-1.0);
                } else if (code == 400 && CONTEXT.matcher(msg).find()) {
                    throw new TooLong(msg);
                } else if (code == 401 || code == 403) {
                    throw new RecipeException("The completions server at " + uri + " refused the request (HTTP " + code
                            + ": " + msg + "); set loss.api_key_env to the name of an environment variable holding"
                            + " its API key");
                } else if (code == 404) {
                    throw new RecipeException("The completions server at " + uri + " answered HTTP 404 (" + msg
                            + "); check loss.base_url (the API root, e.g. http://HOST:8000/v1) and loss.model ('"
                            + options.model() + "')");
                } else {
                    throw new StageException("The completions server at " + uri + " rejected the request for "
                            + OpenAiLossSource.ids(batch) + " (HTTP " + code + "): " + msg);
                }
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt >= options.maxRetries()) {
                throw new StageException("The completions server at " + uri + " failed for "
                        + OpenAiLossSource.ids(batch)
                        + " after " + (attempt + 1) + (attempt == 0 ? " try" : " tries") + ": " + lastProblem
                        + "; is the server running and reachable? (loss.max_retries " + options.maxRetries() + ")");
            }
            Thread.sleep(backoffMillis(attempt, retryAfter));
        }
    }

    private long backoffMillis(int attempt, double retryAfter) {
        if (retryAfter >= 0) {
            return (long) (Math.min(60, retryAfter) * 1000);
        }
        double base = Math.min(60, options.retrySeconds() * Math.pow(2, attempt));
        double j;
        synchronized (jitter) {
            j = 0.5 + 0.5 * jitter.nextDouble(); // the wait only; losses never depend on it
        }
        return (long) (base * j * 1000);
    }

    private static double seconds(String header) {
        try {
            return Double.parseDouble(header.trim());
        } catch (NumberFormatException e) {
            return -1; // an HTTP date: use our own backoff
        }
    }

    /** The error message in an OpenAI ({@code {"error": {"message"}}}) or vLLM ({@code {"message"}}) body. */
    static String serverMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode m = n.path("error").isObject() ? n.path("error").path("message") : n.path("message");
            if (m.isTextual()) {
                return m.textValue();
            }
            if (n.path("error").isTextual()) {
                return n.path("error").textValue();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: quote the text
        }
        String t = body == null ? "" : body.strip();
        return t.isEmpty() ? "(empty body)" : t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private List<Scored> parse(JsonNode body, List<Item> batch, List<String> texts) {
        JsonNode choices = body.path("choices");
        if (!choices.isArray() || choices.size() != batch.size()) {
            throw new StageException("The completions server at " + uri + " answered "
                    + (choices.isArray() ? choices.size() + " choices" : "without 'choices'") + " for "
                    + batch.size() + " prompts (" + OpenAiLossSource.ids(batch)
                    + "); it must be an OpenAI-compatible /completions endpoint");
        }
        JsonNode[] byIndex = new JsonNode[batch.size()];
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            int idx = c.path("index").asInt(i);
            if (idx < 0 || idx >= byIndex.length || byIndex[idx] != null) {
                throw new StageException("The completions server at " + uri + " answered choice index " + idx
                        + " twice or out of range for " + batch.size() + " prompts");
            }
            byIndex[idx] = c;
        }
        List<Scored> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(meanResponseNll(byIndex[i], batch.get(i), texts.get(i), uri));
        }
        return out;
    }

    /**
     * The mean negative log-likelihood of the response tokens of one choice.
     *
     * <p>The response tokens are those whose text reaches past the prompt: token t spans {@code
     * [text_offset[t], text_offset[t+1])} (the last up to the end of the echoed prompt + response),
     * and counts when it ends after the prompt's last character and starts before the response's
     * end. A token that straddles the boundary (the prompt's last characters and the response's
     * first, when the tokenizer merges them) is a response token: it predicts response text.
     * Tokens generated after the echo ({@code max_tokens: 1}) start at or after the end and never
     * count. Offsets are in Unicode code points, as Python servers count them. A token without a
     * log-probability (the text's first, null) is skipped.
     *
     * @return the loss and the number of tokens of prompt + response
     */
    static Scored meanResponseNll(JsonNode choice, Item item, String text, URI uri) {
        JsonNode lp = choice.path("logprobs");
        JsonNode tokens = lp.path("tokens");
        JsonNode logps = lp.path("token_logprobs");
        JsonNode offsets = lp.path("text_offset");
        if (!lp.isObject() || !logps.isArray() || !offsets.isArray()) {
            throw new StageException("The completions server at " + uri + " returned no log-probabilities for "
                    + item.where() + " (choices[].logprobs.token_logprobs and text_offset are missing); it must"
                    + " support echo: true with logprobs on /completions, as vLLM does");
        }
        int n = offsets.size();
        if (logps.size() != n || (tokens.isArray() && tokens.size() != n)) {
            throw new StageException("The completions server at " + uri + " returned " + logps.size()
                    + " log-probabilities for " + n + " token offsets for " + item.where());
        }
        String echoed = choice.path("text").asText("");
        if (!echoed.startsWith(text)) {
            throw new StageException("The completions server at " + uri + " did not echo the prompt for "
                    + item.where() + " (its text does not start with the prompt and response sent); it must"
                    + " support echo: true");
        }
        int promptEnd = item.prompt().codePointCount(0, item.prompt().length());
        int textEnd = text.codePointCount(0, text.length());
        double sum = 0;
        int count = 0;
        int inText = 0;
        for (int t = 0; t < n; t++) {
            int start = offsets.get(t).asInt();
            int end = t + 1 < n ? offsets.get(t + 1).asInt() : Math.max(start + 1, textEnd);
            if (start >= textEnd) {
                break; // generated after the echo
            }
            inText++;
            if (end <= promptEnd) {
                continue;
            }
            JsonNode v = logps.get(t);
            if (v.isNull()) {
                continue;
            }
            sum += v.asDouble();
            count++;
        }
        if (count == 0) {
            throw new DataException(item.where() + ": the server scored no token of the response '"
                    + abbreviate(item.response()) + "'; is the response empty?");
        }
        double loss = -sum / count;
        if (!Double.isFinite(loss) || loss < 0) {
            throw new DataException("The completions server at " + uri + " gave log-probabilities summing to " + sum
                    + " for the response of " + item.where() + "; the loss must be finite and >= 0");
        }
        return new Scored(loss == 0.0 ? 0.0 : loss, inText);
    }

    /** The text ending in one full stop. */
    private static String sentence(String s) {
        String t = s.strip();
        return t.endsWith(".") ? t : t + ".";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** The server said the text is longer than the model's context. */
    static final class TooLong extends Exception {
        private static final long serialVersionUID = 1L;

        TooLong(String message) {
            super(message);
        }
    }
}
