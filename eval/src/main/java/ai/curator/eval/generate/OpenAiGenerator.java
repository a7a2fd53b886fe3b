package ai.curator.eval.generate;

import ai.curator.api.CuratorException;
import ai.curator.api.Generator;
import ai.curator.api.RecipeException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Completions from any OpenAI-compatible chat endpoint ({@code POST BASE/chat/completions}: vLLM,
 * llama.cpp server, Ollama, TGI; a fine-tuned LoRA adapter is served under its own model name),
 * through LangChain4j's {@link OpenAiChatModel}. Requests go out {@link Options#concurrency} at a
 * time; a 429, a 5xx, a timeout or a refused connection is retried after 1 s, 2 s, 4 s, …
 * ({@link Options#retries} times); every completion goes to the sink as soon as it arrives. On a
 * failure no new request is sent, those in flight finish (and are delivered), and the first
 * failure is thrown.
 *
 * <p>LangChain4j's own retries are switched off ({@code maxRetries(0)}) so that the backoff and
 * which errors are retried are decided here, and testable.
 */
public final class OpenAiGenerator implements Generator {
    /**
     * Endpoint settings.
     *
     * @param baseUrl the API base, e.g. {@code http://localhost:8000/v1} (required)
     * @param model the served model (or adapter) name (required)
     * @param apiKey the key sent as {@code Authorization: Bearer}; default {@code EMPTY} (local
     *     servers ignore it)
     * @param concurrency requests in flight at once, &ge; 1; default 8
     * @param retries retries of one request after a 429, 5xx, timeout or refused connection, &ge; 0;
     *     default 5
     * @param backoffMillis wait before the first retry, doubled each time (at most 60 s), &ge; 0;
     *     default 1000
     * @param timeoutSeconds one request's time limit, &ge; 1; default 300
     */
    public record Options(
            String baseUrl,
            String model,
            String apiKey,
            Integer concurrency,
            Integer retries,
            Long backoffMillis,
            Integer timeoutSeconds) {
        public Options {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new RecipeException("eval endpoint: a base URL is required (--endpoint URL)");
            }
            try {
                URI u = URI.create(baseUrl);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("not http(s)");
                }
            } catch (IllegalArgumentException e) {
                throw new RecipeException(
                        "eval endpoint: '" + baseUrl + "' is not an http(s) URL such as" + " http://localhost:8000/v1");
            }
            if (model == null || model.isBlank()) {
                throw new RecipeException("eval endpoint: a model name is required (--model NAME)");
            }
            apiKey = apiKey == null || apiKey.isBlank() ? "EMPTY" : apiKey;
            concurrency = concurrency == null ? 8 : concurrency;
            retries = retries == null ? 5 : retries;
            backoffMillis = backoffMillis == null ? 1000L : backoffMillis;
            timeoutSeconds = timeoutSeconds == null ? 300 : timeoutSeconds;
            if (concurrency < 1) {
                throw new RecipeException("eval endpoint: concurrency must be >= 1, got " + concurrency);
            }
            if (retries < 0) {
                throw new RecipeException("eval endpoint: retries must be >= 0, got " + retries);
            }
            if (backoffMillis < 0) {
                throw new RecipeException("eval endpoint: backoff must be >= 0 ms, got " + backoffMillis);
            }
            if (timeoutSeconds < 1) {
                throw new RecipeException("eval endpoint: timeout must be >= 1 s, got " + timeoutSeconds);
            }
        }
    }

    private final Options options;

    public OpenAiGenerator(Options options) {
        this.options = options;
    }

    /** The served model's name. */
    public String model() {
        return options.model();
    }

    @Override
    public String describe() {
        return "openai " + options.baseUrl() + " model=" + options.model();
    }

    @Override
    public void generate(List<Request> requests, Settings settings, Consumer<Completion> sink) {
        OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder()
                .baseUrl(options.baseUrl())
                .apiKey(options.apiKey())
                .modelName(options.model())
                .temperature(settings.temperature())
                .maxTokens(settings.maxNewTokens())
                .timeout(Duration.ofSeconds(options.timeoutSeconds()))
                .maxRetries(0);
        if (settings.topP() < 1) {
            b.topP(settings.topP());
        }
        if (!settings.stop().isEmpty()) {
            b.stop(settings.stop());
        }
        if (settings.temperature() > 0) {
            b.seed((int) settings.seed());
        }
        ChatModel model = b.build();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.min(options.concurrency(), Math.max(1, requests.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Request r : requests) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return; // stop sending once one request has failed
                    }
                    try {
                        sink.accept(new Completion(r.id(), complete(model, r)));
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CuratorException("interrupted while waiting for " + describe(), e);
                } catch (java.util.concurrent.ExecutionException e) {
                    failure.compareAndSet(null, new CuratorException(String.valueOf(e.getCause()), e.getCause()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** One request, retried on 429 / 5xx / timeouts / refused connections. */
    String complete(ChatModel model, Request r) {
        List<ChatMessage> msgs = new ArrayList<>();
        for (Message m : r.messages()) {
            msgs.add(
                    switch (m.role()) {
                        case "system" -> SystemMessage.from(m.content());
                        case "assistant" -> AiMessage.from(m.content());
                        default -> UserMessage.from(m.content());
                    });
        }
        long wait = options.backoffMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                ChatResponse resp = model.chat(msgs);
                AiMessage ai = resp.aiMessage();
                if (ai == null) {
                    throw new CuratorException(describe() + ": response for id " + r.id() + " has no message");
                }
                return ai.text() == null ? "" : ai.text();
            } catch (RuntimeException e) {
                String why = retriable(e);
                if (why == null) {
                    throw new CuratorException(describe() + ": request for id " + r.id() + " failed: " + message(e), e);
                }
                if (attempt >= options.retries()) {
                    if (why.equals("connection refused")) {
                        throw new RecipeException("cannot reach " + options.baseUrl() + " (" + message(e) + ") for id "
                                + r.id() + " after " + (attempt + 1) + " tries; is the server running?");
                    }
                    throw new CuratorException(
                            describe() + ": request for id " + r.id() + " failed after " + (attempt + 1) + " tries ("
                                    + why + "): " + message(e),
                            e);
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CuratorException("interrupted while retrying id " + r.id(), ie);
                }
                wait = Math.min(60_000L, Math.max(1, wait * 2));
            }
        }
    }

    /** Why an error is worth retrying, or {@code null} if it is not. */
    static String retriable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException) {
                return "rate limited (429)";
            }
            if (t instanceof InternalServerException) {
                return "server error (5xx)";
            }
            if (t instanceof HttpException h && (h.statusCode() == 429 || h.statusCode() >= 500)) {
                return "HTTP " + h.statusCode();
            }
            if (t instanceof TimeoutException
                    || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.net.SocketTimeoutException) {
                return "timeout";
            }
            if (t instanceof ConnectException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return "connection refused";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        m = m.lines().findFirst().orElse("");
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }
}
