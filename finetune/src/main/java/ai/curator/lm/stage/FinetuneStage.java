package ai.curator.lm.stage;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import ai.curator.api.StageContext;
import ai.curator.api.StageException;
import ai.curator.io.AtomicFiles;
import ai.curator.io.FileIo;
import ai.curator.lm.score.LmModels;
import ai.curator.recipe.Json;
import ai.curator.score.TemplatePromptResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code finetune: lora | full} — trains on the selected subset, after the export, and writes the
 * product into {@code <output>/finetune/}: {@code model/} (the adapter or model directory the
 * trainer wrote), {@code train.jsonl} (the subset it trained on), {@code trainer_config.json},
 * {@code trainer.log} and {@code provenance.json}. Everything is written into a temporary folder
 * first and moved into place when training succeeded; on failure nothing of it is left.
 *
 * <p>The training pairs come from the {@code prompt} and {@code response} templates over the
 * table's columns; each row carries its selection weight and count ({@link TrainingFiles}). The
 * backend is an external trainer command ({@link CommandTrainer}) or the in-JVM trainer ({@link
 * JvmTrainer}, {@code backend: jvm}).
 */
public final class FinetuneStage implements ai.curator.api.Stage {
    /** The product's folder in the output directory. */
    public static final String PRODUCT = "finetune";

    /** The adapter or model directory inside {@link #PRODUCT}. */
    public static final String MODEL_DIR = "model";

    /**
     * Options.
     *
     * @param backend {@code jvm} (the in-JVM trainer) or {@code command} (an external trainer);
     *     default jvm
     * @param baseModel the model to fine-tune: a path relative to the recipe (HF directory, .gguf,
     *     llama2.c .bin), or for {@code command} any string the trainer understands (a hub id);
     *     required
     * @param loraR LoRA rank; default 16
     * @param loraAlpha LoRA alpha; default 8
     * @param loraDropout LoRA dropout in [0, 1); default 0.1
     * @param targetModules the modules LoRA adapts; default q_proj, v_proj
     * @param learningRate default 3e-5
     * @param epochs default 1
     * @param batchSize default 32
     * @param maxLength tokens per example, prompt included; default 512
     * @param warmupRatio share of steps warming up, in [0, 1); default 0
     * @param prompt template of the user turn over the table's columns; default {@code {prompt}}
     * @param response template of the assistant turn; default {@code {response}}
     * @param command the trainer command ({@code backend: command}), placeholders {@code {subset}},
     *     {@code {config}}, {@code {output_dir}}, {@code {base_model}}, {@code {seed}}
     * @param env environment variables added for the command; default none
     * @param timeoutMinutes stop the command after this long, 0 for never; default 0
     * @param seed the trainer's seed ({@code {seed}}); default the stage's seed, derived from the
     *     recipe's
     * @param weightColumn train on a subset exported earlier: each row's weight from this numeric
     *     column (e.g. {@code weight}) instead of a select stage's; default none (weight 1, or the
     *     select stage's)
     * @param countColumn with an exported subset: each row's copies from this integer column (e.g.
     *     {@code count}); default none (1, or the select stage's)
     * @param tooLong a row longer than {@code max_length} (capped at the model's context), in-JVM
     *     trainer: {@code error} (the default: the run stops, naming the row), {@code skip} (the row
     *     is left out; how many and which are in the provenance) or {@code truncate} (its prompt is cut
     *     from the left; a response that alone fills the limit is still an error)
     */
    public record Options(
            String backend,
            String baseModel,
            Integer loraR,
            Integer loraAlpha,
            Double loraDropout,
            List<String> targetModules,
            Double learningRate,
            Integer epochs,
            Integer batchSize,
            Integer maxLength,
            Double warmupRatio,
            String prompt,
            String response,
            List<String> command,
            Map<String, String> env,
            Double timeoutMinutes,
            Long seed,
            String weightColumn,
            String countColumn,
            String tooLong) {
        /** The values of {@code too_long}. */
        public static final List<String> TOO_LONG = List.of("error", "skip", "truncate");

        public Options {
            backend = backend == null ? "jvm" : backend;
            if (!backend.equals("jvm") && !backend.equals("command")) {
                throw new IllegalArgumentException("finetune.backend must be jvm or command, got '" + backend + "'");
            }
            loraR = loraR == null ? LORA_DEFAULTS.loraR() : loraR;
            loraAlpha = loraAlpha == null ? LORA_DEFAULTS.loraAlpha() : loraAlpha;
            loraDropout = loraDropout == null ? LORA_DEFAULTS.loraDropout() : loraDropout;
            targetModules = targetModules == null ? LORA_DEFAULTS.targetModules() : List.copyOf(targetModules);
            learningRate = learningRate == null ? 3e-5 : learningRate;
            epochs = epochs == null ? 1 : epochs;
            batchSize = batchSize == null ? 32 : batchSize;
            maxLength = maxLength == null ? 512 : maxLength;
            warmupRatio = warmupRatio == null ? 0.0 : warmupRatio;
            prompt = prompt == null ? "{prompt}" : prompt;
            response = response == null ? "{response}" : response;
            command = command == null ? List.of() : List.copyOf(command);
            env = env == null ? Map.of() : new TreeMap<>(env);
            timeoutMinutes = timeoutMinutes == null ? 0.0 : timeoutMinutes;
            tooLong = tooLong == null ? "error" : tooLong;
            if (!TOO_LONG.contains(tooLong)) {
                throw new IllegalArgumentException(
                        "finetune.too_long must be one of " + String.join(", ", TOO_LONG) + ", got '" + tooLong + "'");
            }
            positive("lora_r", loraR);
            positive("lora_alpha", loraAlpha);
            positive("epochs", epochs);
            positive("batch_size", batchSize);
            positive("max_length", maxLength);
            if (!(loraDropout >= 0 && loraDropout < 1)) {
                throw new IllegalArgumentException("finetune.lora_dropout must be in [0, 1), got " + loraDropout);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("finetune.learning_rate must be > 0, got " + learningRate);
            }
            if (!(warmupRatio >= 0 && warmupRatio < 1)) {
                throw new IllegalArgumentException("finetune.warmup_ratio must be in [0, 1), got " + warmupRatio);
            }
            if (!(timeoutMinutes >= 0) || Double.isInfinite(timeoutMinutes)) {
                throw new IllegalArgumentException(
                        "finetune.timeout_minutes must be >= 0 (0: no limit), got " + timeoutMinutes);
            }
            if (targetModules.isEmpty()) {
                throw new IllegalArgumentException("finetune.target_modules must name at least one module");
            }
            if (backend.equals("command")) {
                if (command.isEmpty() || command.get(0).isBlank()) {
                    throw new IllegalArgumentException("finetune.backend command needs finetune.command, the trainer's"
                            + " argument list, e.g. [python, train.py, --config, '{config}']");
                }
                CommandTrainer.checkPlaceholders(command);
            } else if (!command.isEmpty()) {
                throw new IllegalArgumentException("finetune.command goes with backend: command, not backend: jvm");
            }
        }

        /** LoRA's defaults (HALO's): r 16, alpha 8, dropout 0.1, q_proj and v_proj. */
        static final LoraDefaults LORA_DEFAULTS = new LoraDefaults(16, 8, 0.1, List.of("q_proj", "v_proj"));

        record LoraDefaults(int loraR, int loraAlpha, double loraDropout, List<String> targetModules) {}

        /** The LoRA options set to other than their defaults (for full fine-tuning, which has no adapter). */
        List<String> loraOptionsSet() {
            List<String> set = new java.util.ArrayList<>();
            if (loraR != LORA_DEFAULTS.loraR()) {
                set.add("lora_r");
            }
            if (loraAlpha != LORA_DEFAULTS.loraAlpha()) {
                set.add("lora_alpha");
            }
            if (loraDropout != LORA_DEFAULTS.loraDropout()) {
                set.add("lora_dropout");
            }
            if (!targetModules.equals(LORA_DEFAULTS.targetModules())) {
                set.add("target_modules");
            }
            return set;
        }

        private static void positive(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException("finetune." + name + " must be >= 1, got " + v);
            }
        }
    }

    /** {@code finetune: lora}. */
    public static final class LoraProvider extends BasicStageProvider<Options> {
        public LoraProvider() {
            super(
                    "finetune",
                    "lora",
                    "LoRA fine-tuning on the selected subset (external trainer command or in-JVM), after the export",
                    Options.class,
                    o -> new FinetuneStage("lora", o));
        }

        @Override
        public boolean writesOwnProduct() {
            return true;
        }

        @Override
        public Map<String, String> optionNotes() {
            return NOTES;
        }
    }

    /** {@code finetune: full}. */
    public static final class FullProvider extends BasicStageProvider<Options> {
        public FullProvider() {
            super(
                    "finetune",
                    "full",
                    "full fine-tuning on the selected subset (in-JVM or external trainer command), after the export",
                    Options.class,
                    o -> new FinetuneStage("full", o));
        }

        @Override
        public boolean writesOwnProduct() {
            return true;
        }

        @Override
        public Map<String, String> optionNotes() {
            return NOTES;
        }
    }

    private static final Map<String, String> NOTES = Map.of(
            "weight_column", "null: weight 1 (or the select stage's weights)",
            "count_column", "null: one copy (or the select stage's counts)",
            "timeout_minutes", "0 means no limit",
            "too_long", "error | skip | truncate: a row longer than max_length (in-JVM trainer)",
            "seed", "null: the stage's seed, derived from the recipe's seed",
            "base_model", "a local path is resolved against the recipe's folder; else passed as written");

    private final String method;
    private final Options options;
    private final TemplatePromptResponse texts;
    private String baseModel; // resolved in plan
    private Path localBase; // the base model's local path, or null

    FinetuneStage(String method, Options options) {
        this.method = method;
        this.options = options;
        this.texts = TemplatePromptResponse.of(options.prompt(), options.response(), "finetune");
    }

    @Override
    public void plan(Plan plan) {
        if (options.baseModel() == null || options.baseModel().isBlank()) {
            throw new RecipeException(plan.stage() + ": finetune.base_model is required (a local model path or an"
                    + " id the trainer understands)");
        }
        if (method.equals("full")) {
            List<String> lora = options.loraOptionsSet(); // written for nothing: there is no adapter
            if (!lora.isEmpty()) {
                throw new RecipeException(plan.stage() + ": " + String.join(", ", lora) + " set for finetune: full,"
                        + " which trains every weight and has no adapter; remove "
                        + (lora.size() == 1 ? "it" : "them") + ", or use finetune: lora");
            }
        }
        plan.produceProduct(PRODUCT + "/" + MODEL_DIR);
        Path p = plan.resolve(options.baseModel());
        localBase = Files.exists(p) ? p.toAbsolutePath().normalize() : null;
        baseModel = localBase != null ? localBase.toString() : options.baseModel();
        if (options.backend().equals("jvm")) {
            if (localBase == null) {
                throw new RecipeException(plan.stage() + ": finetune.base_model " + p + " does not exist; backend jvm"
                        + " trains a local checkpoint (a Hugging Face directory, a .gguf or a llama2.c .bin file)");
            }
            if (method.equals("lora")) {
                try {
                    JvmTrainer.shortTargets(options.targetModules());
                } catch (ai.curator.api.DataException e) {
                    throw new RecipeException(plan.stage() + ": " + e.getMessage());
                }
            }
        }
        if ((options.weightColumn() != null || options.countColumn() != null) && plan.hasSelection()) {
            throw new RecipeException(plan.stage() + ": finetune.weight_column/count_column read the weights of a"
                    + " subset exported earlier; this recipe has a select stage, whose weights and counts are used."
                    + " Drop one of the two");
        }
        for (String c : java.util.Arrays.asList(options.weightColumn(), options.countColumn())) {
            if (c != null && plan.rows().isPresent() && !plan.dataColumns().contains(c)) {
                throw new RecipeException(plan.stage() + ": finetune column '" + c + "' is not in the data; its"
                        + " columns are " + plan.dataColumns());
            }
        }
        if (plan.rows().isPresent()) {
            for (String f : texts.fields()) {
                if (!plan.dataColumns().contains(f)) {
                    throw new RecipeException(plan.stage() + ": finetune.prompt/response read field '" + f
                            + "', which the data lacks; its columns are " + plan.dataColumns());
                }
            }
        }
    }

    @Override
    public String fingerprint() {
        return localBase == null ? "" : "base_model=" + LmModels.sha256(localBase);
    }

    @Override
    public void run(StageContext ctx) {
        ctx.checkCancelled();
        Selection sel = ctx.selection().orElseGet(() -> fromColumns(ctx.table(), options));
        texts.check(ctx.table(), "the data set");
        Path out = ctx.outputDir();
        Path product = out.resolve(PRODUCT);
        Path staging = out.resolve(PRODUCT + AtomicFiles.TMP_MARK + "curator");
        try {
            AtomicFiles.deleteRecursively(staging);
            Path modelDir = Files.createDirectories(staging.resolve(MODEL_DIR));
            byte[] subset = TrainingFiles.subset(ctx.table(), sel, texts);
            String subsetSha = FileIo.sha256(subset);
            Path subsetFile = staging.resolve("train.jsonl");
            Path configFile = staging.resolve("trainer_config.json");
            Files.write(subsetFile, subset);
            TrainingSet set = new TrainingSet(
                    subsetFile.toAbsolutePath(),
                    configFile.toAbsolutePath(),
                    modelDir.toAbsolutePath(),
                    baseModel,
                    sel.size(),
                    sel.draws(),
                    subsetSha);
            Files.write(configFile, TrainingFiles.config(method, options, set, seed(ctx), subsetSha));
            ctx.log("finetune: " + sel.size() + " rows (" + sel.draws() + " draws) into " + subsetFile);
            Map<String, Object> details = backend().train(set, options, ctx);
            List<Path> written = files(modelDir);
            if (written.isEmpty()) {
                throw new StageException("finetune: the trainer succeeded but wrote nothing into its output_dir "
                        + modelDir + "; it must write the adapter or model there ({output_dir})");
            }
            ObjectNode prov = ctx.provenance();
            ObjectNode ft = prov.putObject("finetune");
            ft.put("method", method);
            ft.put("backend", options.backend());
            ft.put("base_model", baseModel);
            if (localBase != null) {
                ft.put("base_model_sha256", LmModels.sha256(localBase));
            }
            ft.set("options", Json.MAPPER.valueToTree(options));
            ft.put("subset", PRODUCT + "/train.jsonl");
            ft.put("subset_sha256", subsetSha);
            ft.put("rows", sel.size());
            ft.put("draws", sel.draws());
            ft.put("product", PRODUCT + "/" + MODEL_DIR);
            ft.put("product_kind", Files.exists(modelDir.resolve("adapter_config.json")) ? "adapter" : "model");
            ft.set("trainer", Json.MAPPER.valueToTree(details));
            ft.put("trainer_output_dir", modelDir.toString());
            Files.write(
                    staging.resolve("provenance.json"),
                    (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(prov) + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ctx.checkCancelled();
            replace(staging, product);
            for (Path f : files(product)) {
                ctx.addOutput(f);
            }
            details.forEach((k, v) -> ctx.record(k, v instanceof List<?> l ? String.join(" ", (List<String>) l) : v));
            ctx.record("subset_sha256", subsetSha);
            ctx.record("product", PRODUCT + "/" + MODEL_DIR);
            Object skipped = details.get("rows_skipped_too_long");
            int left = skipped instanceof Number k ? k.intValue() : 0;
            ctx.summary("trained on " + (sel.size() - left) + " rows"
                    + (left > 0 ? " (" + left + " of " + sel.size() + " longer than max_length left out)" : "")
                    + " → " + product.resolve(MODEL_DIR) + " (" + details.get("wall_seconds") + " s)");
        } catch (IOException e) {
            throw new StageException("finetune: cannot write " + staging + ": " + e.getMessage(), e);
        } catch (StageException e) {
            Path kept = keepLog(staging, ctx);
            throw kept == null ? e : new StageException(e.getMessage() + "\n  (the whole log: " + kept + ")", e);
        } finally {
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException e) {
                ctx.log("warning: cannot remove " + staging + ": " + e.getMessage());
            }
        }
    }

    /**
     * Every row, weighted by {@code weight_column} and repeated {@code count_column} times (an
     * exported subset trained again), or weight 1 and one copy where a column is not set.
     *
     * @throws ai.curator.api.DataException naming the row of a missing, non-finite or non-positive
     *     weight, or of a count that is not a whole number >= 1
     */
    static Selection fromColumns(ai.curator.api.Table t, Options o) {
        Selection all = Selection.all(t.rows());
        if (o.weightColumn() == null && o.countColumn() == null) {
            return all;
        }
        double[] w = all.weights();
        int[] c = all.counts();
        for (int r = 0; r < t.rows(); r++) {
            if (o.weightColumn() != null) {
                w[r] = cell(t, o.weightColumn(), r);
                if (!(w[r] > 0)) {
                    throw bad(t, o.weightColumn(), r, "a weight must be > 0");
                }
            }
            if (o.countColumn() != null) {
                double v = cell(t, o.countColumn(), r);
                if (v < 1 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                    throw bad(t, o.countColumn(), r, "a count must be a whole number >= 1");
                }
                c[r] = (int) v;
            }
        }
        return new Selection(all.rows(), c, w, "columns");
    }

    private static double cell(ai.curator.api.Table t, String name, int r) {
        ai.curator.api.Column col = t.column(name);
        if (col.isNull(r)) {
            throw bad(t, name, r, "the value is missing");
        }
        double v;
        if (col.type().isNumeric()) {
            v = col.number(r);
        } else {
            try {
                v = Double.parseDouble(col.text(r).trim());
            } catch (NumberFormatException e) {
                throw bad(t, name, r, "'" + col.text(r) + "' is not a number");
            }
        }
        if (!Double.isFinite(v)) {
            throw bad(t, name, r, "the value " + v + " is not finite");
        }
        return v;
    }

    private static ai.curator.api.DataException bad(ai.curator.api.Table t, String col, int r, String why) {
        long line = t.sourceLine(r);
        return new ai.curator.api.DataException("finetune: column '" + col + "', row id " + t.idText(r)
                + (line >= 0 ? " (line " + line + ")" : "") + ": " + why);
    }

    /** The trainer's seed: option {@code seed}, else the stage's. */
    static long seed(StageContext ctx, Options o) {
        return o.seed() != null ? o.seed() : ctx.seed();
    }

    private long seed(StageContext ctx) {
        return seed(ctx, options);
    }

    /** Copies a failed run's trainer log into the work directory (the product folder goes). */
    private static Path keepLog(Path staging, StageContext ctx) {
        Path log = staging.resolve("trainer.log");
        if (!Files.isRegularFile(log)) {
            return null;
        }
        try {
            Path kept = ctx.workDir().resolve("finetune-failed-trainer.log");
            Files.createDirectories(kept.getParent());
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
            return kept;
        } catch (IOException e) {
            return null;
        }
    }

    private TrainerBackend backend() {
        return switch (options.backend()) {
            case "command" -> new CommandTrainer();
            default -> new JvmTrainer(method);
        };
    }

    /** Moves {@code staging} to {@code target}, replacing an older product only once the new one is in place. */
    private static void replace(Path staging, Path target) throws IOException {
        Path old = target.resolveSibling(PRODUCT + AtomicFiles.TMP_MARK + "old");
        AtomicFiles.deleteRecursively(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.deleteRecursively(old);
    }

    /** Every regular file under {@code dir}, sorted. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
    }
}
