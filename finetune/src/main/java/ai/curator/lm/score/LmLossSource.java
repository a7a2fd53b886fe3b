package ai.curator.lm.score;

import ai.curator.api.DataException;
import ai.curator.api.LossOracle;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.OracleUsage;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.score.LossCache;
import ai.curator.score.ResumableLossOracle;
import ai.curator.score.TemplatePromptResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code loss: {source: lm, model: …}}: each row's loss from the in-JVM language model — by
 * default the mean negative log-likelihood (nats) of its response tokens given its prompt ({@link
 * SequenceLoss#losses}), or with {@code objective: grad_norm} the L2 norm of the per-sample
 * gradient of that loss with respect to the output layer's weight matrix ({@code lm_head}, the
 * input embedding when tied; {@link SequenceLoss#outputGradientNorms}). The prompt is one user turn
 * in the checkpoint's chat format and the response ends with the end-of-turn token, exactly as
 * generation and fine-tuning see them ({@link LmExamples}).
 *
 * <p>Only the rows the scorer picks (landmarks, cluster representatives) are scored, in batches
 * of {@code batch_size}; every loss is appended to a {@link LossCache} under the run's work
 * directory as its batch finishes, keyed by the model files' SHA-256 and the options that decide a
 * loss, so a rerun (or a rerun after a crash) scores only the rows missing. The model is loaded
 * when the first row needs scoring and released when the scorer's call returns: a rerun whose rows
 * are all cached never loads it.
 */
public final class LmLossSource implements LossSourceProvider<LmLossSource.Options> {

    /** The objectives. */
    static final List<String> OBJECTIVES = List.of("loss", "grad_norm");

    /**
     * Options of the {@code lm} source.
     *
     * @param model a Hugging Face checkpoint directory, a {@code .gguf} file or a llama2.c {@code .bin}
     *     file (its tokenizer beside it), relative to the recipe's directory; required
     * @param prompt template of each row's prompt over its fields, e.g. {@code "{question}"}; required
     * @param response template of each row's response, e.g. {@code "{answer}"}; required. Prompt and
     *     response are encoded apart (not joined as text): the prompt as a user turn, the response as
     *     the model's answer
     * @param objective {@code loss} (mean NLL of the response tokens, nats) or {@code grad_norm}
     *     (per-sample gradient norm of that loss w.r.t. the output layer); default loss
     * @param batchSize rows per forward pass, 1–1024; default 8
     * @param maxLength most tokens of prompt + response, in [2, the model's context]; default the
     *     model's context
     * @param truncate when a row is longer than max_length, cut its prompt from the left instead of
     *     failing (a response that alone fills max_length keeps its start after the prompt's last
     *     quarter of max_length); default false
     * @param chatFormat how the prompt becomes text: template, plain, chatml or llama3; default (null) from the
     *     checkpoint's chat template — plain when it has none
     */
    public record Options(
            String model,
            String prompt,
            String response,
            String objective,
            Integer batchSize,
            Integer maxLength,
            Boolean truncate,
            String chatFormat) {
        public Options {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("loss.source 'lm' needs loss.model, a Hugging Face checkpoint"
                        + " directory, a .gguf file or a llama2.c .bin file (relative to the recipe)");
            }
            TemplatePromptResponse.of(prompt, response, "lm"); // both present, both parse
            objective = objective == null ? "loss" : objective;
            if (!OBJECTIVES.contains(objective)) {
                throw new IllegalArgumentException(
                        "loss.objective must be one of " + String.join(", ", OBJECTIVES) + ", got '" + objective + "'");
            }
            batchSize = batchSize == null ? 8 : batchSize;
            if (batchSize < 1 || batchSize > 1024) {
                throw new IllegalArgumentException("loss.batch_size must be in [1, 1024], got " + batchSize);
            }
            if (maxLength != null && maxLength < 2) {
                throw new IllegalArgumentException("loss.max_length must be >= 2, got " + maxLength);
            }
            truncate = truncate != null && truncate;
            if (chatFormat != null) {
                try {
                    chatFormat = ChatFormat.of(chatFormat).name().toLowerCase(Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("loss." + e.getMessage());
                }
            }
        }

        /** The chat format option, or null (from the checkpoint). */
        ChatFormat format() {
            return chatFormat == null ? null : ChatFormat.of(chatFormat);
        }

        /** What decides a loss besides the row's text and the model files: not the batching. */
        String identity(String modelSha) {
            return "lm\u0000" + modelSha + "\u0000" + prompt + "\u0000" + response + "\u0000" + objective + "\u0000"
                    + chatFormat + "\u0000" + maxLength + "\u0000" + truncate;
        }
    }

    /**
     * Model paths resolved against the recipe's directory by {@link #plan}, which the pipeline runs
     * (again, with the data) right before the stages; {@link #create} reads them here because a
     * stage context does not carry the recipe's directory.
     */
    private final Map<Options, Path> resolved = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "lm";
    }

    @Override
    public String summary() {
        return "mean NLL of the response given the prompt (or its output-layer gradient norm) from an in-JVM"
                + " language model (HF dir, .gguf, llama2.c .bin); batched, resumable";
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public void plan(Options options, Plan plan) {
        Path model = plan.resolve(options.model());
        if (!Files.exists(model)) {
            throw new RecipeException(plan.stage() + ": loss.model '" + options.model() + "' does not exist (resolved"
                    + " against the recipe's directory to " + model + "); give a Hugging Face checkpoint directory,"
                    + " a .gguf file or a llama2.c .bin file");
        }
        resolved.put(options, model);
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

    /** The model file of {@code options}: as resolved by {@link #plan}, else against the working directory. */
    Path model(Options options) {
        return resolved.getOrDefault(
                options, Path.of(options.model()).toAbsolutePath().normalize());
    }

    /** The model files' sha256: new weights behind the same path are a new scoring result. */
    @Override
    public String fingerprint(Options options) {
        Path model = model(options);
        return Files.exists(model) ? "lm model sha256 " + LmModels.sha256(model) : "";
    }

    @Override
    public LossOracle create(Options options, StageContext ctx) {
        Path model = model(options);
        if (!Files.exists(model)) {
            throw new RecipeException("loss.model " + model + " does not exist");
        }
        String sha = LmModels.sha256(model);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", model.toString());
        info.put("model_sha256", sha);
        info.put("objective", options.objective());
        ctx.record("lm", info);
        LossCache cache = LossCache.open(ctx.workDir(), name(), options.identity(sha));
        Scorer scorer = new Scorer(options, model, ctx, info);
        ResumableLossOracle inner = new ResumableLossOracle(
                ctx,
                name(),
                TemplatePromptResponse.of(options.prompt(), options.response(), name()),
                cache,
                options.batchSize(),
                1,
                scorer::score);
        return new LossOracle() {
            @Override
            public double[] losses(int[] rows) {
                try {
                    return inner.losses(rows);
                } finally {
                    scorer.close();
                }
            }

            @Override
            public OracleUsage usage() {
                return inner.usage();
            }
        };
    }

    /** Scores batches with the model, loaded on first use. */
    private static final class Scorer implements AutoCloseable {
        private final Options options;
        private final Path path;
        private final StageContext ctx;
        private final Map<String, Object> info;
        private CausalLm lm;
        private LmExamples examples;
        private SequenceLoss loss;
        private long truncated;

        Scorer(Options options, Path path, StageContext ctx, Map<String, Object> info) {
            this.options = options;
            this.path = path;
            this.ctx = ctx;
            this.info = info;
        }

        synchronized List<ResumableLossOracle.Scored> score(List<ResumableLossOracle.Item> batch) {
            if (lm == null) {
                ai.curator.lm.Checkpoint checkpoint = LmModels.checkpoint(path, null);
                lm = LmModels.model(checkpoint);
                try {
                    examples = new LmExamples(
                            lm,
                            options.format(),
                            options.maxLength(),
                            options.truncate(),
                            options.truncate()
                                    ? ""
                                    : " (set loss.truncate: true to cut the prompt's start, or raise loss.max_length)");
                } catch (IllegalArgumentException e) {
                    close();
                    throw new RecipeException("loss source lm, " + path + ": " + e.getMessage(), e);
                }
                loss = new SequenceLoss(lm, new SequenceLoss.Options(options.batchSize(), null));
                info.put("chat_format", examples.format().name().toLowerCase(Locale.ROOT));
                info.put("max_length", examples.maxLength());
                info.put("parameters", LmModels.parameters(checkpoint));
                ctx.record("lm", info);
                ctx.log("loss source lm: " + lm.source() + ", chat format "
                        + examples.format().name().toLowerCase(Locale.ROOT) + ", objective " + options.objective());
            }
            List<SequenceLoss.Example> ex = new ArrayList<>(batch.size());
            long[] tokens = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                ResumableLossOracle.Item it = batch.get(i);
                LmExamples.Built b = examples.example(it.where(), it.prompt(), it.response());
                ex.add(b.example());
                tokens[i] = b.tokens();
                if (b.truncated()) {
                    truncated++;
                }
            }
            double[] v;
            try {
                v = options.objective().equals("grad_norm") ? loss.outputGradientNorms(ex) : loss.losses(ex);
            } catch (IllegalArgumentException e) {
                throw new DataException(
                        e.getMessage() + " (batch starting at " + batch.get(0).where() + ")", e);
            }
            List<ResumableLossOracle.Scored> out = new ArrayList<>(v.length);
            for (int i = 0; i < v.length; i++) {
                out.add(new ResumableLossOracle.Scored(v[i], tokens[i]));
            }
            return out;
        }

        @Override
        public synchronized void close() {
            if (truncated > 0) {
                ctx.log(String.format(
                        "loss source lm: %,d rows' prompts cut from the left to fit loss.max_length", truncated));
                info.put("truncated_rows", truncated);
                ctx.record("lm", info);
                truncated = 0;
            }
            if (lm != null) {
                lm.close();
                lm = null;
            }
        }
    }
}
