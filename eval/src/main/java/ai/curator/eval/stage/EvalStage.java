package ai.curator.eval.stage;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.EvalTask;
import ai.curator.api.Generator;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.api.StageException;
import ai.curator.eval.generate.OpenAiGenerator;
import ai.curator.eval.run.Evaluation;
import ai.curator.eval.run.MetricSummary;
import ai.curator.io.AtomicFiles;
import ai.curator.io.FileIo;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.LmGenerator;
import ai.curator.lm.score.LmModels;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code eval: task} — evaluates a model on GSM8K, ViGGO or SQL after the export: greedy decoding
 * with the in-JVM model ({@link LmGenerator}) on the product of a preceding {@code finetune} stage
 * or on {@code model}, or through an OpenAI-compatible {@code endpoint}. Writes {@code
 * <output>/eval/<task>/}: {@code summary.json}, {@code summary.md}, {@code summary.csv}, {@code
 * examples.jsonl}, {@code predictions.jsonl} and {@code provenance.json}, moved into place when
 * the evaluation finished. The predictions are kept in the work directory as they arrive, so an
 * interrupted run resumes there.
 */
public final class EvalStage implements ai.curator.api.Stage {
    /** The products' folder in the output directory. */
    public static final String PRODUCT = "eval";

    /**
     * Options.
     *
     * @param task gsm8k, viggo or sql; required
     * @param split the task's split; default the task's evaluation split
     * @param data an evaluation file instead of the split's (relative to the recipe)
     * @param dataRoot where the data sets are (relative to the recipe); default the {@code
     *     curator.data} system property, else {@code ../shared/data}
     * @param model the model (HF directory, .gguf, llama2.c .bin; relative to the recipe); default
     *     the product of the last {@code finetune} stage before this one
     * @param tokenizer a llama2.c tokenizer for a .bin model; default the one beside it
     * @param chatFormat template, plain, chatml or llama3; default: template when the model has one, else plain
     * @param endpoint an OpenAI-compatible server's base URL instead of an in-JVM model
     * @param modelName the served model or adapter (with endpoint)
     * @param apiKeyEnv the environment variable holding the endpoint's key; default OPENAI_API_KEY
     * @param concurrency requests in flight to the endpoint; default 4
     * @param maxNewTokens tokens generated per example; default 512
     * @param limit evaluate the first {@code limit} rows only; default all
     * @param batchSize requests decoded together by the in-JVM model; default 8
     * @param allowMissing score the rows that have a prediction when some have none; default false
     * @param allowBadRows evaluate rows whose data breaks a metric (e.g. SQL mock tables the context
     *     does not create: 3 of the published 770) without that metric, instead of stopping; default
     *     false
     * @param tooLong a row whose prompt leaves no room in the in-JVM model's context: {@code error} (the
     *     default; the stage stops, naming the row) or {@code wrong} (an empty prediction, scored wrong;
     *     how many and which are in the provenance)
     * @param prompt the user turn's template over the task's row fields ({@code {field}}), e.g. a
     *     compact prompt the model was fine-tuned with; default HALO's prompt of the task
     */
    public record Options(
            String task,
            String split,
            String data,
            String dataRoot,
            String model,
            String tokenizer,
            String chatFormat,
            String endpoint,
            String modelName,
            String apiKeyEnv,
            Integer concurrency,
            Integer maxNewTokens,
            Integer limit,
            Integer batchSize,
            Boolean allowMissing,
            String prompt,
            String tooLong,
            Boolean allowBadRows) {
        public Options {
            allowBadRows = allowBadRows != null && allowBadRows;
            if (task == null || task.isBlank()) {
                throw new IllegalArgumentException("eval.task is required: gsm8k, viggo or sql");
            }
            apiKeyEnv = apiKeyEnv == null ? "OPENAI_API_KEY" : apiKeyEnv;
            concurrency = concurrency == null ? 4 : concurrency;
            maxNewTokens = maxNewTokens == null ? 512 : maxNewTokens;
            batchSize = batchSize == null ? 8 : batchSize;
            allowMissing = allowMissing != null && allowMissing;
            tooLong = tooLong == null ? "error" : tooLong;
            if (!tooLong.equals("error") && !tooLong.equals("wrong")) {
                throw new IllegalArgumentException("eval.too_long must be error or wrong, got '" + tooLong + "'");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("eval.concurrency must be >= 1, got " + concurrency);
            }
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("eval.max_new_tokens must be >= 1, got " + maxNewTokens);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("eval.batch_size must be >= 1, got " + batchSize);
            }
            if (limit != null && limit < 1) {
                throw new IllegalArgumentException("eval.limit must be >= 1, got " + limit);
            }
            if (endpoint != null && model != null) {
                throw new IllegalArgumentException(
                        "eval.endpoint and eval.model exclude each other; the served" + " model is eval.model_name");
            }
            if (endpoint != null && modelName == null) {
                throw new IllegalArgumentException("eval.endpoint needs eval.model_name (the served model or adapter)");
            }
            if (endpoint == null && modelName != null) {
                throw new IllegalArgumentException("eval.model_name goes with eval.endpoint");
            }
            if (chatFormat != null) {
                ChatFormat.of(chatFormat);
            }
        }
    }

    /** {@code eval: task}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "eval",
                    "task",
                    "evaluate the fine-tuned model (or a given one) on gsm8k, viggo or sql, after the export",
                    Options.class,
                    EvalStage::new);
        }

        @Override
        public boolean writesOwnProduct() {
            return true;
        }

        @Override
        public Map<String, String> optionNotes() {
            return Map.of(
                    "model", "null: the product of the last finetune stage before this one",
                    "split", "null: the task's evaluation split",
                    "limit", "null: every row",
                    "prompt", "null: HALO's prompt of the task");
        }
    }

    private final Options options;
    private EvalTask task;
    private Path model; // absolute; null with an endpoint
    private boolean modelIsProduct;
    private Path tokenizer;
    private Path dataFile;
    private Path dataRoot;

    EvalStage(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        task = EvalTask.named(options.task());
        if (options.split() != null) {
            task.split(options.split());
        }
        dataFile = options.data() == null ? null : plan.resolve(options.data());
        dataRoot = options.dataRoot() == null ? null : plan.resolve(options.dataRoot());
        tokenizer = options.tokenizer() == null ? null : plan.resolve(options.tokenizer());
        modelIsProduct = false;
        if (options.endpoint() != null) {
            model = null;
        } else if (options.model() != null) {
            model = plan.resolve(options.model()).toAbsolutePath().normalize();
            if (!Files.exists(model)) {
                throw new RecipeException(
                        plan.stage() + ": eval.model '" + options.model() + "' not found (" + model + ")");
            }
        } else {
            List<String> products = plan.products().stream()
                    .filter(p -> p.startsWith("finetune/"))
                    .toList();
            if (products.isEmpty()) {
                throw new RecipeException(plan.stage() + ": eval has no model: put a finetune stage before it, or set"
                        + " eval.model (a model path) or eval.endpoint and eval.model_name");
            }
            model = Path.of(products.get(products.size() - 1));
            modelIsProduct = true;
        }
        Path f = Evaluation.dataFile(task, evalOptions(Path.of(".")));
        if (!Files.isRegularFile(f)) {
            throw new RecipeException(plan.stage() + ": eval " + task.name() + " data file " + f + " not found; set"
                    + " eval.data_root (the folder with the data sets) or eval.data");
        }
    }

    @Override
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        sb.append("data=").append(FileIo.sha256(Evaluation.dataFile(task, evalOptions(Path.of(".")))));
        if (model != null && !modelIsProduct) {
            sb.append(" model=").append(LmModels.sha256(model));
        }
        return sb.toString(); // a finetune product's content is in the key of the stage that made it
    }

    private Evaluation.Options evalOptions(Path out) {
        return new Evaluation.Options(
                options.split(),
                dataFile,
                dataRoot,
                options.prompt(),
                options.limit(),
                out,
                options.allowMissing(),
                options.allowBadRows(),
                new Generator.Settings(options.maxNewTokens(), 0, 1, List.of(), 42),
                null,
                null);
    }

    @Override
    public void run(StageContext ctx) {
        ctx.checkCancelled();
        Path out = ctx.outputDir();
        Path modelPath = modelIsProduct ? out.resolve(model) : model;
        String modelSha = null;
        Path base = null; // the base model when modelPath is a LoRA adapter
        if (modelPath != null) {
            if (!Files.exists(modelPath)) {
                throw new StageException("eval: the finetune product " + modelPath + " is missing");
            }
            base = adapterBase(modelPath);
            modelSha = LmModels.sha256(modelPath) + (base != null ? "+" + LmModels.sha256(base) : "");
        }
        String dataSha = FileIo.sha256(Evaluation.dataFile(task, evalOptions(Path.of("."))));
        String id = FileIo.sha256(("task=" + task.name() + "\0split=" + options.split() + "\0data=" + dataSha
                                + "\0model="
                                + (modelSha != null ? modelSha : options.endpoint() + "/" + options.modelName())
                                + "\0" + Json.MAPPER.valueToTree(options))
                        .getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
        Path work = ctx.workDir().resolve("eval-" + task.name() + "-" + id);
        Path productDir = out.resolve(PRODUCT).resolve(task.name());
        // staged beside the output's files, where a killed run's leftovers are removed at the next start
        Path staging = out.resolve(PRODUCT + "-" + task.name() + AtomicFiles.TMP_MARK + "curator");
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        Evaluation.Result result;
        List<String> tooLong = List.of();
        try (PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
                Generator gen = generator(modelPath, base, ctx)) {
            Files.createDirectories(work);
            result = Evaluation.run(task, gen, evalOptions(work), log);
            if (gen instanceof CancellableGenerator c) {
                tooLong = c.promptsTooLong();
            }
            if (!tooLong.isEmpty()) {
                log.println("eval: " + tooLong.size() + " prompt(s) longer than the model's context were answered"
                        + " empty and scored wrong (too_long: wrong), e.g. id '" + tooLong.get(0) + "'");
            }
        } catch (IOException e) {
            throw new StageException("eval: cannot write " + work + ": " + e.getMessage(), e);
        } finally {
            for (String l : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    ctx.log(l);
                }
            }
        }
        ctx.checkCancelled();
        try {
            AtomicFiles.deleteRecursively(staging);
            Files.createDirectories(staging);
            for (Path f : filesIn(work)) {
                Files.copy(f, staging.resolve(f.getFileName().toString()));
            }
            ObjectNode prov = ctx.provenance();
            ObjectNode ev = prov.putObject("eval");
            ev.put("task", result.task());
            ev.put("split", result.split());
            ev.put("data_file", result.file().toString());
            ev.put("data_sha256", dataSha);
            if (modelPath != null) {
                ev.put("model", modelIsProduct ? model.toString() : modelPath.toString());
                ev.put("model_sha256", modelSha);
            } else {
                ev.put("endpoint", options.endpoint());
                ev.put("model_name", options.modelName());
            }
            ev.put("rows", result.rows());
            ev.put("scored", result.scored());
            ev.put("too_long", options.tooLong());
            if (options.tooLong().equals("wrong")) {
                ev.put("prompts_too_long", tooLong.size());
                var ids = ev.putArray("prompts_too_long_ids");
                tooLong.subList(0, Math.min(20, tooLong.size())).forEach(ids::add);
            }
            var ms = ev.putArray("metrics");
            for (MetricSummary m : result.metrics()) {
                ms.add(Json.MAPPER.valueToTree(m));
            }
            Files.write(
                    staging.resolve("provenance.json"),
                    (Json.MAPPER.writeValueAsString(prov) + "\n").getBytes(StandardCharsets.UTF_8));
            Path old = out.resolve(PRODUCT + "-" + task.name() + AtomicFiles.TMP_MARK + "old");
            AtomicFiles.deleteRecursively(old);
            Files.createDirectories(productDir.getParent());
            if (Files.exists(productDir)) {
                Files.move(productDir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, productDir, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteRecursively(old);
            for (Path f : filesIn(productDir)) {
                ctx.addOutput(f);
            }
        } catch (IOException e) {
            throw new StageException("eval: cannot write " + productDir + ": " + e.getMessage(), e);
        } finally {
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException e) {
                ctx.log("warning: cannot remove " + staging + ": " + e.getMessage());
            }
        }
        for (String line : result.lines()) {
            ctx.log(line);
        }
        ctx.record("task", result.task());
        ctx.record("split", result.split());
        ctx.record("rows", result.rows());
        ctx.record("scored", result.scored());
        if (!result.metrics().isEmpty()) {
            MetricSummary head = result.metrics().get(0);
            ctx.record("headline", head.line(result.task()));
        }
        ctx.summary(result.task() + " " + result.split() + ": " + result.scored() + " rows scored → " + productDir);
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** @param base the base model when {@code modelPath} is a LoRA adapter, else null */
    private Generator generator(Path modelPath, Path base, StageContext ctx) {
        if (modelPath == null) {
            String key = System.getenv(options.apiKeyEnv());
            return new OpenAiGenerator(new OpenAiGenerator.Options(
                    options.endpoint(), options.modelName(), key, options.concurrency(), null, null, null));
        }
        CausalLm lm = LmModels.load(base != null ? base : modelPath, tokenizer);
        try {
            if (base != null) {
                try {
                    ai.curator.lm.lora.LoraAdapter.load(lm, modelPath);
                } catch (java.io.IOException e) {
                    throw new StageException("eval: cannot read the adapter " + modelPath + ": " + e.getMessage(), e);
                }
                ctx.log("eval: " + modelPath + " is a LoRA adapter on " + base);
            }
            ChatFormat format = options.chatFormat() == null ? null : ChatFormat.of(options.chatFormat());
            LmGenerator g = new LmGenerator(
                    lm,
                    new LmGenerator.Options(
                            options.batchSize(), format, options.tooLong().equals("wrong")));
            return new CancellableGenerator(g, lm, ctx, options.batchSize());
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    /**
     * The base model of a PEFT adapter directory (its {@code adapter_config.json}'s {@code
     * base_model_name_or_path}, a local path), or null when {@code model} is a whole model.
     */
    static Path adapterBase(Path model) {
        Path cfg = model.resolve("adapter_config.json");
        if (!Files.isRegularFile(cfg)) {
            return null;
        }
        String base;
        try {
            base = Json.MAPPER
                    .readTree(cfg.toFile())
                    .path("base_model_name_or_path")
                    .asText("");
        } catch (java.io.IOException e) {
            throw new ai.curator.api.DataException(cfg + ": not a readable adapter_config.json: " + e.getMessage());
        }
        Path p = base.isBlank() ? null : Path.of(base);
        if (p == null || !Files.exists(p)) {
            throw new RecipeException("eval: " + model + " is a LoRA adapter whose base_model_name_or_path ('" + base
                    + "', in " + cfg + ") is not a local model; evaluate it where its base is, or serve it and set"
                    + " eval.endpoint and eval.model_name");
        }
        return p;
    }
}
