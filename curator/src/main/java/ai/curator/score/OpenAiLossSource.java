package ai.curator.score;

import ai.curator.api.LossOracle;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.OracleUsage;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code loss: {source: openai, …}}: each row's loss is the mean negative log-likelihood of its
 * response tokens given its prompt, as scored by an OpenAI-compatible <b>completions</b> server
 * that echoes the prompt with log-probabilities (vLLM's {@code /v1/completions} with {@code echo:
 * true, logprobs: 1, max_tokens: 0}; OpenAI's legacy completion models). The server scores prompt
 * + response as one text; curator finds the response tokens from the returned character offsets
 * ({@link OpenAiCompletions#meanResponseNll}). Requests carry {@code batch_size} rows, {@code
 * concurrency} of them in flight, retried with exponential backoff on connection errors, 429 and
 * 5xx; every loss is kept as it arrives ({@link LossCache}) so a rerun asks only for what is
 * missing. Only the rows the scorer picks (landmarks, cluster representatives) are asked.
 */
public final class OpenAiLossSource implements LossSourceProvider<OpenAiLossSource.Options> {

    /**
     * Options of the {@code openai} source.
     *
     * @param baseUrl the server's API root, e.g. {@code http://127.0.0.1:8000/v1} (requests go to
     *     {@code BASE_URL/completions}); required
     * @param model the model name the server knows; required
     * @param prompt template of each row's prompt over its fields, e.g. {@code "{question}"}; required
     * @param response template of each row's response, e.g. {@code " {answer}"}; required. The
     *     server sees prompt + response with nothing between.
     * @param apiKeyEnv name of an environment variable holding the API key (sent as a bearer
     *     token); default none. A key never goes in a recipe.
     * @param batchSize rows per request, 1–1024; default 16
     * @param concurrency requests in flight, 1–256; default 4
     * @param maxRetries retries of a request after a connection error, 429 or 5xx, 0–20; default 5
     * @param retrySeconds first backoff, doubled each retry (with jitter, at most 60 s; a
     *     Retry-After header wins), ≥ 0; default 1
     * @param timeoutSeconds per-request timeout, &gt; 0; default 300
     * @param maxTokens tokens to generate after the echo, 0 or 1 (some servers refuse 0;
     *     generated tokens are never scored); default 0
     * @param truncate when a row is longer than the model's context, cut its prompt from the
     *     left until it fits (the response is never cut) instead of failing; default false
     */
    public record Options(
            String baseUrl,
            String model,
            String prompt,
            String response,
            String apiKeyEnv,
            Integer batchSize,
            Integer concurrency,
            Integer maxRetries,
            Double retrySeconds,
            Double timeoutSeconds,
            Integer maxTokens,
            Boolean truncate) {
        public Options {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new IllegalArgumentException(
                        "loss.source 'openai' needs loss.base_url, the server's API root, e.g. http://127.0.0.1:8000/v1");
            }
            baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            URI u;
            try {
                u = URI.create(baseUrl + "/completions");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("loss.base_url '" + baseUrl + "' is not a URL: " + e.getMessage());
            }
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException(
                        "loss.base_url must be an http:// or https:// URL such as http://127.0.0.1:8000/v1, got '"
                                + baseUrl + "'");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException(
                        "loss.source 'openai' needs loss.model, the model name the server serves");
            }
            TemplatePromptResponse.of(prompt, response, "openai"); // both present, both parse
            if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("loss.api_key_env must name an environment variable (e.g."
                        + " OPENAI_API_KEY), not hold the key; got something else");
            }
            batchSize = batchSize == null ? 16 : batchSize;
            if (batchSize < 1 || batchSize > 1024) {
                throw new IllegalArgumentException("loss.batch_size must be in [1, 1024], got " + batchSize);
            }
            concurrency = concurrency == null ? 4 : concurrency;
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("loss.concurrency must be in [1, 256], got " + concurrency);
            }
            maxRetries = maxRetries == null ? 5 : maxRetries;
            if (maxRetries < 0 || maxRetries > 20) {
                throw new IllegalArgumentException("loss.max_retries must be in [0, 20], got " + maxRetries);
            }
            retrySeconds = retrySeconds == null ? 1.0 : retrySeconds;
            if (!(retrySeconds >= 0) || retrySeconds > 60) {
                throw new IllegalArgumentException("loss.retry_seconds must be in [0, 60], got " + retrySeconds);
            }
            timeoutSeconds = timeoutSeconds == null ? 300.0 : timeoutSeconds;
            if (!(timeoutSeconds > 0) || timeoutSeconds.isInfinite()) {
                throw new IllegalArgumentException("loss.timeout_seconds must be > 0, got " + timeoutSeconds);
            }
            maxTokens = maxTokens == null ? 0 : maxTokens;
            if (maxTokens != 0 && maxTokens != 1) {
                throw new IllegalArgumentException("loss.max_tokens must be 0 or 1, got " + maxTokens);
            }
            truncate = truncate != null && truncate;
        }

        /**
         * What determines a loss, naming the cache file: not the key, batching, concurrency or
         * retries; not truncate either, as a row that fits is scored the same either way and a row
         * that does not is never kept without it.
         */
        String identity() {
            return "openai\u0000" + baseUrl + "\u0000" + model + "\u0000" + prompt + "\u0000" + response;
        }
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String summary() {
        return "mean NLL of the response given the prompt from an OpenAI-compatible completions server"
                + " (vLLM echo + logprobs); batched, retried, resumable";
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public void plan(Options options, Plan plan) {
        if (plan.dataColumns() == null) {
            return;
        }
        for (String f : TemplatePromptResponse.of(options.prompt(), options.response(), name())
                .fields()) {
            if (!plan.dataColumns().contains(f)) {
                throw new RecipeException(plan.stage() + ": loss.prompt/loss.response use field '" + f
                        + "', which the data does not have; its fields are " + plan.dataColumns());
            }
        }
    }

    @Override
    public LossOracle create(Options options, StageContext ctx) {
        String key = null;
        if (options.apiKeyEnv() != null) {
            key = System.getenv(options.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new RecipeException("loss.api_key_env names environment variable " + options.apiKeyEnv()
                        + ", which is not set; export it with the server's API key, or drop api_key_env");
            }
        }
        OpenAiCompletions client = new OpenAiCompletions(options, key, ctx.seed());
        LossCache cache = LossCache.open(ctx.workDir(), name(), options.identity());
        ResumableLossOracle inner = new ResumableLossOracle(
                ctx,
                name(),
                TemplatePromptResponse.of(options.prompt(), options.response(), name()),
                cache,
                options.batchSize(),
                options.concurrency(),
                client::score);
        return new LossOracle() {
            @Override
            public double[] losses(int[] rows) {
                try {
                    return inner.losses(rows);
                } finally {
                    if (client.truncatedRows() > 0) {
                        ctx.log(String.format(
                                "loss source openai: %,d rows' prompts cut from the left to fit the context"
                                        + " (loss.truncate)",
                                client.truncatedRows()));
                    }
                }
            }

            @Override
            public OracleUsage usage() {
                OracleUsage u = inner.usage();
                return new OracleUsage(u.rowsFetched(), u.rowsCached(), u.tokens(), client.requests());
            }
        };
    }

    /** The ids of {@code batch}, for messages (the first few). */
    static String ids(List<ResumableLossOracle.Item> batch) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Math.min(5, batch.size()); i++) {
            ids.add("'" + batch.get(i).id() + "'");
        }
        return (batch.size() == 1 ? "row id " : "rows with ids ")
                + String.join(", ", ids)
                + (batch.size() > 5 ? ", … (" + batch.size() + " rows)" : "");
    }
}
