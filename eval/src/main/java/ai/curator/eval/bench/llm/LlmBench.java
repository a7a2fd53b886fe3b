package ai.curator.eval.bench.llm;

import ai.curator.api.Budget;
import ai.curator.api.EvalTask;
import ai.curator.api.RecipeException;
import ai.curator.api.StageException;
import ai.curator.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs {@code curator bench llm}: for every (method, budget, seed) a selection recipe (load → embed
 * → score with the base model's landmark losses → select → export) and a training recipe (the
 * exported subset → finetune the base → eval on the task's test split), both through {@code curator
 * run} in a child process, so every run is an ordinary, reproducible recipe kept in its folder.
 *
 * <p>Layout of {@code out}: {@code bench.json} (the settings every run shares), {@code
 * work/} (the selection recipes' stage cache: the embeddings are computed once for every seed, the
 * landmark losses once per seed), {@code runs/ID/} ({@code select.yaml}, {@code train.yaml}, their outputs {@code
 * select/} and {@code train/}, logs, and {@code result.json}, written last: a run with it is done).
 * A rerun does only the runs without {@code result.json}, and inside one the stages resume from
 * their caches (training checkpoints, predictions on disk).
 *
 * <p>Selection recipes run one at a time (they share the cache); training runs
 * go {@code workers} at a time. Every run is seeded by its own seed only, so results do not depend
 * on the number of workers.
 */
public final class LlmBench {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** One benchmark run. */
    public record Run(String id, String method, String budget, long seed) {
        boolean full() {
            return method.equals("full");
        }

        /** The share of the training split, 1 for full. */
        double fraction() {
            return full() ? 1.0 : ((Number) Budget.parse(budget).toJson()).doubleValue();
        }
    }

    private final LlmBenchConfig c;
    private final PrintStream log;
    private final EvalTask task;
    private final Path dataRoot;
    private final Path trainFile;
    private final Path model;
    private final int trainRows;
    private final Integer context; // the model's context in tokens; null when not pre-checked
    private final Object selectionLock = new Object(); // selection recipes share one stage cache
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    /**
     * Checks the settings against the data and the model: the task's training and evaluation splits
     * exist, every budget keeps at least one row, the model path exists.
     *
     * @throws RecipeException with what to change
     */
    public LlmBench(LlmBenchConfig c, PrintStream log) {
        this.c = c;
        this.log = log;
        this.task = EvalTask.named(c.task());
        this.dataRoot = (c.dataRoot() != null ? c.dataRoot() : EvalTask.defaultDataRoot())
                .toAbsolutePath()
                .normalize();
        EvalTask.Split train;
        try {
            train = task.split("train");
        } catch (RecipeException e) {
            throw new RecipeException("task " + task.name() + " has no train split to select from: " + e.getMessage());
        }
        EvalTask.Split eval;
        try {
            eval = task.split(c.evalSplit());
        } catch (RecipeException e) {
            throw new RecipeException("--eval-split: " + e.getMessage());
        }
        this.trainFile = dataRoot.resolve(train.file());
        for (Path f : List.of(trainFile, dataRoot.resolve(eval.file()))) {
            if (!Files.isRegularFile(f)) {
                throw new RecipeException("task " + task.name() + ": " + f + " does not exist; pass --data-root, the"
                        + " folder holding " + train.file() + " and " + eval.file());
            }
        }
        this.model = c.model().toAbsolutePath().normalize();
        if (!Files.exists(model)) {
            throw new RecipeException("--model " + c.model() + " does not exist (a Hugging Face checkpoint directory,"
                    + " a .gguf or a llama2.c .bin file)");
        }
        this.context = checkModel(model);
        this.trainRows = checkTemplates(dataRoot.resolve(eval.file()));
        for (String b : c.budgets()) {
            double r = ((Number) Budget.parse(b).toJson()).doubleValue();
            if (Math.round(r * trainRows) < 1) {
                throw new RecipeException("budget " + b + " of the " + trainRows + " training rows of " + task.name()
                        + " is 0 rows; use a larger budget");
            }
        }
    }

    /** Checkpoints up to this size are loaded once before any run, so a bad one fails at once. */
    static final long PRECHECK_BYTES = 1L << 30;

    /**
     * Loads a model of at most {@link #PRECHECK_BYTES} once (a larger one is checked by the first
     * run, whose message the bench shows), so that a checkpoint that cannot be loaded is reported
     * before any work rather than by every run.
     */
    private static Integer checkModel(Path model) {
        long bytes;
        try (Stream<Path> files = Files.walk(model)) {
            bytes = files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new RecipeException("--model " + model + " cannot be read: " + e.getMessage());
        }
        if (bytes > PRECHECK_BYTES) {
            return null;
        }
        try {
            return ai.curator.lm.score.LmModels.checkpoint(model, null).config().maxPositions();
        } catch (RuntimeException e) {
            throw new RecipeException("--model " + model + " cannot be loaded: " + e.getMessage());
        }
    }

    /**
     * Checks the templates against the task's rows before any run starts (a misspelt field would
     * fail every run): {@code --prompt} renders every training and evaluation row, {@code
     * --response} and {@code --text} read only columns of the loaded training split (its fields,
     * {@code id}, {@code prompt}, {@code response}).
     *
     * @return the training split's row count
     */
    private int checkTemplates(Path evalFile) {
        List<EvalTask.Example> rows;
        try {
            rows = task.examples(trainFile, c.prompt());
            if (c.prompt() != null) {
                task.examples(evalFile, c.prompt());
            }
        } catch (RecipeException e) {
            throw new RecipeException("--prompt: " + e.getMessage());
        }
        Set<String> columns = new java.util.TreeSet<>(List.of("id", "prompt", "response"));
        rows.forEach(e -> columns.addAll(e.fields().keySet()));
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("--response", c.trainResponse());
        templates.put("--text", c.embedText());
        templates.forEach((option, template) -> {
            for (String f : new ai.curator.recipe.TextTemplate(template, option).fields()) {
                if (!columns.contains(f)) {
                    throw new RecipeException(
                            option + " '" + template + "' names field '" + f + "', which the " + task.name()
                                    + " rows of " + trainFile + " lack; they have: " + String.join(", ", columns));
                }
            }
        });
        return rows.size();
    }

    /** Every run of the settings: per seed, {@code full} once, then each method at each budget. */
    public static List<Run> plan(LlmBenchConfig c) {
        List<Run> runs = new ArrayList<>();
        for (long seed : c.seedList()) {
            for (String m : c.methods()) {
                if (m.equals("full")) {
                    runs.add(new Run(c.task() + "-full-s" + seed, m, "100%", seed));
                    continue;
                }
                for (String b : c.budgets()) {
                    runs.add(new Run(c.task() + "-" + m + "-" + LlmBenchConfig.label(b) + "-s" + seed, m, b, seed));
                }
            }
        }
        return runs;
    }

    /** The training split's row count. */
    public int trainRows() {
        return trainRows;
    }

    /**
     * Runs what is missing and returns every run's result (finished earlier or now), in plan order.
     *
     * @throws StageException when a run failed (the others are finished and kept first)
     */
    public List<ObjectNode> run() throws IOException {
        return run(List.of());
    }

    /**
     * Runs what is missing among the runs whose id matches one of {@code only} (globs: {@code *} any
     * text, {@code ?} one character; empty = every run) and returns the results of every run finished
     * (earlier or now, selected or not), in plan order, so the report covers the whole folder.
     *
     * @throws RecipeException when a glob matches no run of the plan
     * @throws StageException when a run failed (the others are finished and kept first)
     */
    public List<ObjectNode> run(List<String> only) throws IOException {
        List<Run> runs = select(plan(c), only);
        Files.createDirectories(c.out());
        checkSettings();
        List<Run> todo = new ArrayList<>();
        for (Run r : runs) {
            if (!Files.isRegularFile(resultFile(r))) {
                todo.add(r);
            }
        }
        log.printf(
                Locale.ROOT,
                "bench llm: %s, %,d training rows, %d runs%s (%d done earlier, %d to do), %d worker%s; out %s%n",
                task.name(),
                trainRows,
                runs.size(),
                only.isEmpty() ? "" : " of " + plan(c).size() + " selected by --only",
                runs.size() - todo.size(),
                todo.size(),
                c.workers(),
                c.workers() == 1 ? "" : "s",
                c.out());
        // largest runs first: the workers finish together
        List<Run> order = new ArrayList<>(todo);
        order.sort((a, b) -> Double.compare(b.fraction(), a.fraction()));
        Thread hook = new Thread(() -> live.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(hook);
        ExecutorService pool = Executors.newFixedThreadPool(c.workers());
        long t0 = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        double[] fractionDone = {0};
        double fractionAll =
                order.stream().mapToDouble(r -> 0.05 + r.fraction()).sum();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger skipped = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Run r : order) {
                fs.add(pool.submit(() -> {
                    if (!failures.isEmpty()) {
                        skipped.incrementAndGet(); // after a failure, start nothing new: it is likely to fail alike
                        return null;
                    }
                    try {
                        ObjectNode res = runOne(r);
                        double f;
                        synchronized (fractionDone) {
                            fractionDone[0] += 0.05 + r.fraction();
                            f = fractionDone[0] / fractionAll;
                        }
                        double el = (System.nanoTime() - t0) / 1e9;
                        log.printf(
                                Locale.ROOT,
                                "bench llm: [%d/%d] %s: %s; elapsed %s, ETA %s%n",
                                done.incrementAndGet(),
                                order.size(),
                                r.id(),
                                headline(res),
                                clock(el),
                                f >= 1 ? "0:00" : clock(el / f * (1 - f)));
                    } catch (Exception e) {
                        done.incrementAndGet();
                        failures.add(r.id() + ": " + e.getMessage());
                        log.printf("bench llm: %s FAILED: %s%n", r.id(), e.getMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException("bench llm: interrupted; finished runs are kept, rerun to resume", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StageException("bench llm: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
            live.forEach(Process::destroy);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
        }
        if (!failures.isEmpty()) {
            throw new StageException(failures.size() + " of " + order.size() + " runs failed"
                    + (skipped.get() > 0 ? " and " + skipped.get() + " were not started after it" : "")
                    + " (finished runs are kept; rerun the same command to do the rest):\n  "
                    + String.join("\n  ", failures));
        }
        return finished();
    }

    /**
     * The runs of {@code plan} whose id matches one of the globs ({@code *} any text, {@code ?} one
     * character), in plan order; all of them when there is no glob.
     *
     * @throws RecipeException naming a glob that matches no run, and the runs there are
     */
    static List<Run> select(List<Run> plan, List<String> globs) {
        if (globs.isEmpty()) {
            return plan;
        }
        List<java.util.regex.Pattern> patterns = new ArrayList<>();
        for (String g : globs) {
            StringBuilder re = new StringBuilder();
            for (char ch : g.toCharArray()) {
                re.append(ch == '*' ? ".*" : ch == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(ch)));
            }
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(re.toString());
            if (plan.stream().noneMatch(r -> p.matcher(r.id()).matches())) {
                throw new RecipeException("--only " + g + " matches no run; the runs are: "
                        + String.join(", ", plan.stream().map(Run::id).toList()));
            }
            patterns.add(p);
        }
        return plan.stream()
                .filter(r -> patterns.stream().anyMatch(p -> p.matcher(r.id()).matches()))
                .toList();
    }

    /**
     * The results of the runs finished so far, in plan order, after checking that the folder holds
     * runs of these settings (for {@code --report-only} while a grid still runs elsewhere).
     *
     * @throws RecipeException when the folder has no runs, or runs of other settings
     */
    public List<ObjectNode> finishedChecked() throws IOException {
        if (!Files.isRegularFile(c.out().resolve("bench.json"))) {
            throw new RecipeException(c.out() + " holds no bench (no bench.json); run the bench first");
        }
        checkSettings();
        return finished();
    }

    /** The results of the runs finished so far, in plan order. */
    public List<ObjectNode> finished() throws IOException {
        List<ObjectNode> results = new ArrayList<>();
        for (Run r : plan(c)) {
            if (Files.isRegularFile(resultFile(r))) {
                results.add((ObjectNode) JSON.readTree(resultFile(r).toFile()));
            }
        }
        return results;
    }

    /**
     * Writes every run's two recipes (nothing runs) and returns the plan, a line per run. Like a
     * run, it pins the folder's settings ({@code bench.json}) and refuses a folder of other settings,
     * whose finished runs' recipes it would otherwise overwrite.
     */
    public List<String> dryRun(List<String> only) throws IOException {
        List<Run> runs = select(plan(c), only);
        Files.createDirectories(c.out());
        checkSettings();
        List<String> lines = new ArrayList<>();
        for (Run r : runs) {
            Path dir = Files.createDirectories(runDir(r));
            Path subset = null;
            if (!r.full()) {
                write(dir.resolve("select.yaml"), selectionRecipe(r));
                subset = dir.resolve("select").resolve("subset.jsonl");
            }
            write(dir.resolve("train.yaml"), trainingRecipe(r, subset));
            lines.add(String.format(
                    Locale.ROOT,
                    "%-36s %s%s",
                    r.id(),
                    Files.isRegularFile(resultFile(r)) ? "done      " : "to do     ",
                    (r.full() ? "" : dir.resolve("select.yaml") + " then ") + dir.resolve("train.yaml")));
        }
        return lines;
    }

    private static String headline(ObjectNode res) {
        JsonNode m = res.path("metrics");
        String name = res.path("headline").asText();
        return String.format(
                Locale.ROOT,
                "%s %.1f%% on %d rows (%d rows trained, %.0f s train, %.0f s eval)",
                name,
                100 * m.path(name).asDouble(Double.NaN),
                res.path("eval_rows").asInt(),
                res.path("rows").asInt(),
                res.path("cost").path("finetune_seconds").asDouble(),
                res.path("cost").path("eval_seconds").asDouble());
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** The settings every run shares; a folder holding runs of other settings is refused. */
    private void checkSettings() throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("task", c.task());
        s.put("model", model.toString());
        s.put("data_root", dataRoot.toString());
        s.put("prompt", c.prompt());
        s.put("response", c.response());
        s.put("text", c.embedText());
        s.put("encoder", c.encoder());
        s.put("landmarks", c.landmarks());
        s.put("rank", c.rank());
        s.put("lambda", c.lambda());
        s.put("finetune", c.finetune());
        s.put("learning_rate", c.learningRate());
        s.put("epochs", c.epochs());
        s.put("batch_size", c.batchSize());
        s.put("max_length", c.maxLength());
        if (!c.tooLong().equals("error")) {
            s.put("too_long", c.tooLong()); // absent when the default: folders made before the option still resume
        }
        if (!c.updates().equals("epochs")) {
            s.put("updates", c.updates()); // absent when the default: folders made before the option still resume
        }
        s.put("warmup_ratio", c.warmupRatio());
        s.put("lora_r", c.loraR());
        s.put("lora_alpha", c.loraAlpha());
        s.put("lora_dropout", c.loraDropout());
        s.set("targets", JSON.valueToTree(c.targets()));
        s.put("eval_split", c.evalSplit());
        if (c.evalLimit() != null) {
            s.put("eval_limit", c.evalLimit());
        } else {
            s.putNull("eval_limit");
        }
        s.put("max_new_tokens", c.maxNewTokens());
        s.put("eval_batch", c.evalBatch());
        Path f = c.out().resolve("bench.json");
        if (Files.isRegularFile(f)) {
            JsonNode old = JSON.readTree(f.toFile());
            if (!old.equals(s)) {
                List<String> diff = new ArrayList<>();
                s.fieldNames().forEachRemaining(k -> {
                    if (!s.get(k).equals(old.get(k))) {
                        diff.add(k + ": " + old.get(k) + " there, " + s.get(k) + " now");
                    }
                });
                throw new RecipeException(c.out() + " holds runs of other settings (" + String.join("; ", diff)
                        + "); use another --out, or the same settings to resume");
            }
        } else {
            AtomicFiles.write(f, JSON.writeValueAsBytes(s));
        }
    }

    Path runDir(Run r) {
        return c.out().resolve("runs").resolve(r.id());
    }

    private Path resultFile(Run r) {
        return runDir(r).resolve("result.json");
    }

    /** Selects (unless full), trains and evaluates one run; writes and returns its result. */
    private ObjectNode runOne(Run r) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(runDir(r));
        long t0 = System.nanoTime();
        Path subset = null;
        if (!r.full()) {
            Path recipe = dir.resolve("select.yaml");
            write(recipe, selectionRecipe(r));
            synchronized (selectionLock) {
                child(r, "select", recipe);
            }
            subset = dir.resolve("select").resolve("subset.jsonl");
        }
        double selectWall = (System.nanoTime() - t0) / 1e9;
        Path recipe = dir.resolve("train.yaml");
        write(recipe, trainingRecipe(r, subset));
        long t1 = System.nanoTime();
        child(r, "train", recipe);
        double trainWall = (System.nanoTime() - t1) / 1e9;
        ObjectNode res = LlmRunResult.collect(r, task, c.evalSplit(), dir, selectWall, trainWall);
        AtomicFiles.write(resultFile(r), JSON.writeValueAsBytes(res));
        return res;
    }

    private void write(Path recipe, Map<String, Object> body) throws IOException {
        String header = "# written by curator bench llm; rerun with: scripts/curator run " + recipe + "\n";
        AtomicFiles.write(recipe, (header + YAML.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8));
    }

    /** load (the task's training split) → the method's stages → export. */
    Map<String, Object> selectionRecipe(Run r) {
        Map<String, Object> y = new LinkedHashMap<>();
        y.put("name", r.id() + "-select");
        y.put("seed", r.seed());
        y.put("dataset", dataset());
        y.put("stages", LlmMethods.selectionStages(c, r.method(), r.budget(), trainRows, model, context));
        y.put("output", runDir(r).resolve("select").toAbsolutePath().toString());
        y.put("work_dir", c.out().resolve("work").toAbsolutePath().toString());
        return y;
    }

    private Map<String, Object> dataset() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", task.name());
        d.put("split", "train");
        d.put("path", trainFile.toString());
        d.put("text", c.embedText());
        return d;
    }

    /** The subset (or, for full, the training split) → export → finetune → eval. */
    Map<String, Object> trainingRecipe(Run r, Path subset) {
        Map<String, Object> y = new LinkedHashMap<>();
        y.put("name", r.id() + "-train");
        y.put("seed", r.seed());
        if (subset == null) {
            y.put("dataset", dataset());
        } else {
            y.put("dataset", Map.of("path", subset.toAbsolutePath().toString()));
        }
        List<Map<String, Object>> stages = new ArrayList<>();
        Map<String, Object> export = LlmMethods.stage("export", "files", "formats", List.of("jsonl"));
        LlmMethods.body(export).put("name", "train");
        LlmMethods.body(export).put("column_prefix", "train_"); // the subset's own weight and count stay as they are
        stages.add(export);
        Map<String, Object> ft = LlmMethods.stage("finetune", c.finetune(), "backend", "jvm");
        Map<String, Object> f = LlmMethods.body(ft);
        f.put("base_model", model.toString());
        f.put("prompt", c.trainPrompt());
        f.put("response", c.trainResponse());
        f.put("learning_rate", c.learningRate());
        f.put("epochs", r.full() ? c.epochs() : c.epochsFor(r.fraction()));
        f.put("batch_size", c.batchSize());
        f.put("max_length", c.maxLength());
        f.put("warmup_ratio", c.warmupRatio());
        if (c.finetune().equals("lora")) {
            f.put("lora_r", c.loraR());
            f.put("lora_alpha", c.loraAlpha());
            f.put("lora_dropout", c.loraDropout());
            f.put("target_modules", c.targets());
        }
        f.put("seed", r.seed());
        if (c.tooLong().equals("skip")) {
            f.put("too_long", "skip");
        }
        if (subset != null) {
            f.put("weight_column", "weight");
            f.put("count_column", "count");
        }
        stages.add(ft);
        Map<String, Object> ev = LlmMethods.stage("eval", "task", "task", task.name());
        Map<String, Object> e = LlmMethods.body(ev);
        e.put("split", c.evalSplit());
        e.put("data_root", dataRoot.toString());
        if (c.prompt() != null) {
            e.put("prompt", c.prompt());
        }
        e.put("max_new_tokens", c.maxNewTokens());
        e.put("batch_size", c.evalBatch());
        if (c.evalLimit() != null) {
            e.put("limit", c.evalLimit());
        }
        if (c.tooLong().equals("skip")) {
            e.put("too_long", "wrong");
        }
        // rows whose published data breaks a metric (SQL's mock tables: 3 of 770) are scored without it
        e.put("allow_bad_rows", true);
        stages.add(ev);
        y.put("stages", stages);
        y.put("output", runDir(r).resolve("train").toAbsolutePath().toString());
        return y;
    }

    /** Runs {@code curator run RECIPE} in a child JVM, its output appended to {@code PHASE.log}. */
    private void child(Run r, String phase, Path recipe) throws IOException, InterruptedException {
        Path logFile = runDir(r).resolve(phase + ".log");
        List<String> cmd = ai.curator.eval.bench.ChildJvm.javaCommand();
        cmd.add(LlmBenchChild.class.getName());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add("run");
        cmd.add(recipe.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        live.add(p);
        int rc;
        try {
            rc = p.waitFor();
        } finally {
            live.remove(p);
        }
        if (rc != 0) {
            throw new StageException(phase + " recipe " + recipe + " exited with " + rc + ":\n    "
                    + String.join("\n    ", tail(logFile, 6)) + "\n    (the whole log: " + logFile + ")");
        }
    }

    private static List<String> tail(Path f, int n) {
        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
            List<String> all = lines.filter(
                            l -> !l.isBlank() && !l.contains("\r") && !l.startsWith("WARNING: Using incubator"))
                    .toList();
            return all.subList(Math.max(0, all.size() - n), all.size());
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of("(cannot read " + f + ")");
        }
    }
}
