package ai.curator.pipeline;

import ai.curator.api.CuratorException;
import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import ai.curator.api.StageException;
import ai.curator.api.StageProvider;
import ai.curator.api.Table;
import ai.curator.io.AtomicFiles;
import ai.curator.io.DataFormat;
import ai.curator.io.FileIo;
import ai.curator.linalg.FloatMatrix;
import ai.curator.provenance.Version;
import ai.curator.recipe.Json;
import ai.curator.recipe.OptionErrors;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import ai.curator.recipe.StageSpec;
import ai.curator.recipe.TextTemplate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recipe turned into a checked plan, and its run.
 *
 * <p>{@link #build} resolves every stage and validates every option before any work; {@link
 * #run} loads the data set, plans again with the row count (so a budget larger than the data
 * fails before an expensive stage), then runs each stage or takes its result from the work
 * directory. A stage's cache key hashes the code version, the previous stage's key (the load
 * stage's hashes the data file's bytes and the dataset options), the stage's resolved options and
 * the seed, so changing anything upstream recomputes everything after it.
 */
public final class Pipeline {
    private final Recipe recipe;
    private final List<PlannedStage> stages;

    private Pipeline(Recipe recipe, List<PlannedStage> stages) {
        this.recipe = recipe;
        this.stages = List.copyOf(stages);
    }

    /** Reads, resolves and checks {@code recipeFile}. */
    public static Pipeline build(Path recipeFile, StageRegistry registry) {
        return build(RecipeReader.read(recipeFile), registry);
    }

    /** Resolves every stage of {@code recipe} and checks the plan; no data is read. */
    public static Pipeline build(Recipe recipe, StageRegistry registry) {
        Pipeline p = new Pipeline(recipe, resolve(recipe, registry));
        p.checkPlan(null, null);
        p.checkWritesEverything();
        return p;
    }

    /**
     * A recipe must have an export stage, and every stage after its last export must write its own
     * product ({@link StageProvider#writesOwnProduct()}: fine-tuning, evaluation): any other stage
     * there would have its result lost, almost surely a mistake, so it fails here, before any
     * work, saying what to add.
     */
    private void checkWritesEverything() {
        if (stages.isEmpty()) {
            return; // the recipe reader already requires stages
        }
        int lastExport = -1;
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).spec().role().equals("export")) {
                lastExport = i;
            }
        }
        if (lastExport < 0) {
            throw new RecipeException(recipe.file() + ": no export stage, so the run would write nothing; add"
                    + " '- export: {formats: [jsonl]}' (jsonl, parquet and/or arrow) as the last stage");
        }
        for (int i = lastExport + 1; i < stages.size(); i++) {
            PlannedStage s = stages.get(i);
            if (s.provider().writesOwnProduct()) {
                continue;
            }
            String where =
                    recipe.file() + (s.spec().line() > 0 ? " line " + s.spec().line() : "") + ", stages["
                            + s.spec().index() + "]";
            throw new RecipeException(
                    where + ": " + s.spec().role() + ": " + s.spec().method()
                            + " comes after the last export stage, so its result would not be written; move"
                            + " '- export: {formats: [jsonl]}' (or your export stage) after it (only stages that write"
                            + " their own product, such as finetune and eval, may follow the export)");
        }
    }

    /**
     * Resolves every stage of {@code recipe} — method, options with defaults — without checking
     * that the stages fit together (how {@code recipes/reference.yaml}, which lists every stage,
     * is checked).
     */
    public static List<PlannedStage> resolve(Recipe recipe, StageRegistry registry) {
        if (recipe.dataset().text() != null) {
            new TextTemplate(recipe.dataset().text()); // syntax only; fields are checked on load
        }
        DataFormat.of(recipe.dataset().format(), recipe.datasetPath());
        List<PlannedStage> planned = new ArrayList<>();
        for (StageSpec raw : recipe.stages()) {
            String where =
                    recipe.file() + (raw.line() > 0 ? " line " + raw.line() : "") + ", stages[" + raw.index() + "]";
            StageProvider<?> provider = registry.find(raw.role(), raw.method(), where);
            StageSpec spec = new StageSpec(raw.index(), raw.role(), provider.method(), raw.options(), raw.line());
            planned.add(plan(spec, provider, where));
        }
        return planned;
    }

    private static <O extends Record> PlannedStage plan(StageSpec spec, StageProvider<O> provider, String where) {
        checkOptionNames(spec, provider.optionsType(), where);
        O options;
        try {
            options = Json.MAPPER.treeToValue(spec.options(), provider.optionsType());
        } catch (JsonProcessingException e) {
            throw new RecipeException(where + ": " + OptionErrors.describe(e, spec.role() + ": " + spec.method()), e);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(where + ": " + e.getMessage(), e);
        }
        ObjectNode resolved = Json.MAPPER.valueToTree(options);
        return new PlannedStage(spec, provider, options, resolved, provider.create(options));
    }

    /** Unknown option names fail before the options record is built, listing the valid ones. */
    private static void checkOptionNames(StageSpec spec, Class<? extends Record> type, String where) {
        checkOptionNames(spec.options(), type, "", spec.role() + ": " + spec.method(), where);
    }

    private static void checkOptionNames(
            com.fasterxml.jackson.databind.JsonNode options,
            Class<? extends Record> type,
            String prefix,
            String what,
            String where) {
        java.util.Map<String, Class<?>> valid = new java.util.TreeMap<>();
        for (var c : type.getRecordComponents()) {
            valid.put(
                    com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(
                            c.getName()),
                    c.getType());
        }
        for (var it = options.fields(); it.hasNext(); ) {
            var e = it.next();
            String k = e.getKey();
            Class<?> t = valid.get(k);
            if (t == null) {
                throw new RecipeException(where + ": unknown option '" + prefix + k + "' for " + what
                        + ". Valid options: "
                        + (valid.isEmpty()
                                ? "(none)"
                                : String.join(", ", valid.keySet()).replaceAll("(^|, )", "$1" + prefix))
                        + OptionErrors.suggest(k, valid.keySet()));
            }
            if (t.isRecord() && e.getValue().isObject()) {
                @SuppressWarnings("unchecked")
                Class<? extends Record> rt = (Class<? extends Record>) t;
                checkOptionNames(e.getValue(), rt, prefix + k + ".", what, where);
            }
        }
    }

    private void checkPlan(Integer rows, List<String> columns) {
        Plan plan = new Plan(
                        rows, columns, recipe.dataset().text(), recipe.dataset().label())
                .baseDir(recipe.baseDir());
        for (PlannedStage s : stages) {
            plan.enter(recipe.file() + ", " + s.spec().label());
            try {
                s.stage().plan(plan);
            } catch (IllegalArgumentException e) {
                throw new RecipeException(plan.stage() + ": " + e.getMessage(), e);
            }
        }
    }

    public Recipe recipe() {
        return recipe;
    }

    /**
     * Checks what can be checked without reading the data: the data file exists and is readable.
     * A missing file under a {@code shared/data} folder (the credit-card recipes') says where
     * that folder is expected and where its files come from.
     */
    public void checkInputs() {
        Path data = recipe.datasetPath();
        try {
            FileIo.requireReadableFile(data, "Data file");
        } catch (ai.curator.api.DataException e) {
            String hint = " (dataset.path '" + recipe.dataset().path() + "' in " + recipe.file()
                    + ", resolved against the recipe's directory)";
            String p = data.toAbsolutePath().normalize().toString().replace('\\', '/');
            int i = p.indexOf("/shared/data/");
            if (i >= 0 && !Files.exists(data)) {
                hint += ". This recipe reads the project's shared data folder, expected at " + p.substring(0, i)
                        + "/shared beside the checkout, which a fresh clone does not have: put the file there"
                        + " (README.md, \"Data for the credit-card recipes\", says what it is) or point dataset.path at your copy";
            }
            throw new ai.curator.api.DataException(e.getMessage() + hint, e);
        }
    }

    public List<PlannedStage> stages() {
        return stages;
    }

    /** The resolved plan, as {@code curator describe} prints it. */
    public ObjectNode describe() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("recipe", recipe.file().toString());
        root.put("name", recipe.name());
        root.put("seed", recipe.seed());
        if (!recipe.overrides().isEmpty()) {
            Json.MAPPER.valueToTree(recipe.overrides()).forEach(root.putArray("overrides")::add);
        }
        ObjectNode ds = root.putObject("dataset");
        ds.put("path", recipe.datasetPath().toString());
        ds.put(
                "format",
                DataFormat.of(recipe.dataset().format(), recipe.datasetPath()).key());
        ds.put(
                "id",
                recipe.dataset().id() == null
                        ? "column 'id' if present, else row index"
                        : recipe.dataset().id());
        ds.put("text", recipe.dataset().text());
        if (recipe.dataset().task() != null) {
            ds.put("task", recipe.dataset().task());
            ds.put("split", recipe.dataset().split());
        }
        ds.put("label", recipe.dataset().label());
        ds.set("features", Json.MAPPER.valueToTree(recipe.dataset().features()));
        ArrayNode arr = root.putArray("stages");
        for (PlannedStage s : stages) {
            ObjectNode o = arr.addObject();
            o.put("index", s.spec().index());
            o.put("role", s.spec().role());
            o.put("method", s.spec().method());
            o.put("summary", s.provider().summary());
            o.set("options", s.resolvedOptions());
            var notes = new java.util.TreeMap<>(s.provider().optionNotes());
            if (!notes.isEmpty()) {
                o.set("option_notes", Json.MAPPER.valueToTree(notes));
            }
        }
        root.put("output", recipe.output().toString());
        root.put("work_dir", recipe.workDir().toString());
        return root;
    }

    /**
     * Runs the pipeline. The output directory (and the work directory, when it lies elsewhere) is
     * locked for the run's length: a second run into it fails at once, naming this one ({@link
     * OutputLock}).
     */
    public RunResult run(RunSettings settings) {
        checkInputs();
        Path out = recipe.output();
        Path work = recipe.workDir();
        try (OutputLock outLock = lock(out);
                OutputLock workLock = work.toAbsolutePath()
                                .normalize()
                                .startsWith(out.toAbsolutePath().normalize())
                        ? null
                        : lock(work)) {
            return runLocked(settings);
        } catch (IOException e) {
            throw new StageException("Cannot release the lock in " + out + ": " + e.getMessage(), e);
        }
    }

    private static OutputLock lock(Path dir) {
        try {
            return OutputLock.acquire(dir);
        } catch (IOException | SecurityException e) {
            throw new RecipeException("Directory '" + dir + "' is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); set 'output' (or 'work_dir') in the recipe or pass --output DIR");
        }
    }

    private RunResult runLocked(RunSettings settings) {
        if (recipe.outputUri() != null) {
            throw new RecipeException(
                    "output '" + recipe.outputUri() + "' is a URI, which only --engine spark writes"
                            + " to (through Hadoop's file systems); set a local output directory (-o DIR) or add --engine spark");
        }
        if (recipe.workUri() != null) {
            throw new RecipeException(
                    "work_dir '" + recipe.workUri() + "' is a URI, which only --engine spark uses (for"
                            + " its stage cache); set a local work_dir or add --engine spark");
        }
        Path out = recipe.output();
        prepareOutput(out);
        Path work = recipe.workDir();
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new RecipeException(
                    "Cannot create work directory '" + work + "': " + e.getMessage()
                            + "; set work_dir in the recipe to a writable place",
                    e);
        }
        String code = Version.codeId();
        List<ObjectNode> stageRecords = new ArrayList<>();
        int cached = 0;

        // ---- load
        settings.cancellation().enter("[load]");
        long t0 = System.nanoTime();
        Path dataPath = recipe.datasetPath();
        FileIo.requireReadableFile(dataPath, "Data file");
        String dataSha = FileIo.sha256(dataPath);
        ObjectNode dsOpts = Json.MAPPER.valueToTree(recipe.dataset());
        String key = Keys.of(code, "load", dataSha, dsOpts.toString());
        StageCache loadCache = new StageCache(work.resolve("00-load-" + key.substring(0, 12)));
        ObjectNode loadRec = settings.force() ? null : loadCache.finished(key);
        Table table;
        if (loadRec != null) {
            table = loadCache.readTable(
                    loadRec.path("id_column").isNull()
                            ? null
                            : loadRec.path("id_column").asText(null));
            cached++;
            settings.log()
                    .printf(
                            "[load] %s: %s (cached)%n",
                            dataPath.getFileName(), ai.curator.api.Plural.of(table.rows(), "row"));
        } else {
            table = DatasetLoader.load(recipe.dataset(), dataPath, settings.progress());
            loadRec = JsonNodeFactory.instance.objectNode();
            loadRec.put("key", key);
            loadRec.put("role", "load");
            loadRec.put(
                    "method", DataFormat.of(recipe.dataset().format(), dataPath).key());
            loadRec.set("options", dsOpts);
            loadRec.putNull("seed");
            loadRec.put("rows_in", table.rows());
            loadRec.put("rows_out", table.rows());
            loadRec.put("id_column", table.idColumn());
            loadRec.put("seconds", seconds(t0));
            try {
                loadCache.prepare();
                loadCache.writeTable(table);
                loadCache.writeRecord(loadRec);
            } catch (IOException e) {
                throw new StageException(
                        "Cannot write the load stage's cache in " + loadCache.dir() + ": " + e.getMessage(), e);
            }
            settings.log()
                    .printf(
                            Locale.ROOT,
                            "[load] %s: %s, %s (%.1f s)%n",
                            dataPath.getFileName(),
                            ai.curator.api.Plural.of(table.rows(), "row"),
                            ai.curator.api.Plural.of(table.columns().size(), "column"),
                            seconds(t0));
        }
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("path", dataPath.toString());
        input.put("sha256", dataSha);
        input.put("rows", table.rows());
        input.put("format", loadRec.path("method").asText());
        stageRecords.add(withoutKey(loadRec, cached > 0));

        // ---- plan again, now that the data is known
        checkPlan(table.rows(), table.columnNames());

        // ---- stages
        RunContext ctx = new RunContext(recipe, table, out, settings);
        ObjectNode runInfo = runInfo(input);
        for (PlannedStage s : stages) {
            StageSpec spec = s.spec();
            boolean seeded = s.stage().usesSeed();
            Long stageSeed = seeded ? s.seed(recipe.seed()) : null;
            key = Keys.of(
                    code,
                    key,
                    s.name(),
                    s.resolvedOptions().toString(),
                    seeded ? Long.toString(recipe.seed()) : "no seed",
                    s.stage().fingerprint());
            StageCache cache = new StageCache(work.resolve(String.format(
                    Locale.ROOT, "%02d-%s-%s-%s", spec.index() + 1, spec.role(), spec.method(), key.substring(0, 12))));
            String label = String.format(
                    Locale.ROOT, "[%d/%d %s %s]", spec.index() + 1, stages.size(), spec.role(), spec.method());
            settings.cancellation().enter(label);
            settings.cancellation().check(); // between stages: stop here rather than start the next
            settings.cancellation().enter(label); // the stage itself starts non-cooperative
            ObjectNode rec = settings.force() ? null : cache.finished(key);
            if (rec != null && !rec.path("outputs").isEmpty() && !StageCache.outputsIntact(rec, out)) {
                rec = null; // an output was removed or changed: write it again
            }
            int rowsIn = ctx.selection().map(Selection::size).orElse(table.rows());
            if (rec != null) {
                ctx.putCachedScores(cache.readScores());
                FloatMatrix cachedEmb = cache.readEmbeddings();
                if (cachedEmb != null) {
                    ctx.putCachedEmbeddings(
                            cachedEmb, rec.path("embedding_source").asText("unknown"));
                }
                Selection sel = cache.readSelection(rec.path("selection_method").asText("unknown"));
                if (sel != null) {
                    ctx.setSelection(sel);
                }
                for (var o : rec.path("outputs")) {
                    ctx.addOutput(out.resolve(o.path("file").asText()));
                }
                cached++;
                stageRecords.add(withoutKey(rec, true));
                settings.log().printf("%s cached%n", label);
                continue;
            }
            long ts = System.nanoTime();
            ObjectNode current = JsonNodeFactory.instance.objectNode();
            current.put("role", spec.role());
            current.put("method", spec.method());
            current.set("options", s.resolvedOptions());
            if (stageSeed != null) {
                current.put("seed", stageSeed);
            }
            current.put("rows_in", rowsIn);
            List<ObjectNode> soFar = new ArrayList<>(stageRecords);
            soFar.add(current);
            ctx.enterStage(stageSeed, runInfo, soFar, current);
            try {
                s.stage().run(ctx);
            } catch (CuratorException e) {
                throw e; // CancelledException included: the stage stopped at a poll
            } catch (IllegalArgumentException e) {
                // Stages and algorithms reject options that do not fit the data (rank >= dimension, NaN
                // embeddings, …) with IllegalArgumentException: bad input, not a crash.
                throw new RecipeException(recipe.file() + ", " + spec.label() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new StageException(spec.label() + " failed: " + e, e);
            }
            current.put("rows_out", ctx.selection().map(Selection::size).orElse(table.rows()));
            current.put("seconds", seconds(ts));
            ObjectNode record = current.deepCopy();
            record.put("key", key);
            ctx.selection().ifPresent(sel -> record.put("selection_method", sel.method()));
            if (ctx.embeddingsChangedInStage()) {
                record.put("embedding_source", ctx.embeddingSource());
                current.put("embedding_source", ctx.embeddingSource());
            }
            ArrayNode outputs = record.putArray("outputs");
            for (Path f : ctx.stageOutputs()) {
                ObjectNode o = outputs.addObject();
                o.put("file", out.relativize(f).toString());
                o.put("sha256", FileIo.sha256(f));
            }
            try {
                cache.prepare();
                cache.writeScores(ctx.stageScores());
                if (ctx.embeddingsChangedInStage()) {
                    cache.writeEmbeddings(ctx.embeddings().orElseThrow());
                }
                if (ctx.selectionChangedInStage()) {
                    cache.writeSelection(ctx.selection().orElseThrow());
                }
                cache.writeRecord(record);
            } catch (IOException e) {
                throw new StageException(
                        "Cannot write the cache of " + spec.label() + " in " + cache.dir() + ": " + e.getMessage(), e);
            }
            stageRecords.add(withoutKey(record, false));
            settings.log().printf(Locale.ROOT, "%s %s (%.1f s)%n", label, ctx.stageSummary(), seconds(ts));
        }
        Selection finalSel = ctx.selection().orElse(Selection.all(table.rows()));
        return new RunResult(table, ctx.scores(), finalSel, ctx.allOutputs(), cached);
    }

    private ObjectNode runInfo(ObjectNode input) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        ObjectNode tool = p.putObject("tool");
        tool.put("name", "curator");
        tool.put("version", Version.version());
        tool.put("commit", Version.commit());
        ObjectNode rt = p.putObject("runtime");
        rt.put("java", System.getProperty("java.version"));
        rt.put("java_vendor", System.getProperty("java.vendor"));
        rt.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        rt.put("arch", System.getProperty("os.arch"));
        rt.put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode r = p.putObject("recipe");
        r.put("path", recipe.file().toAbsolutePath().normalize().toString());
        r.put("sha256", FileIo.sha256(recipe.text().getBytes(StandardCharsets.UTF_8)));
        r.put("name", recipe.name());
        r.put("seed", recipe.seed());
        r.put("text", recipe.text());
        if (!recipe.overrides().isEmpty()) {
            Json.MAPPER.valueToTree(recipe.overrides()).forEach(r.putArray("overrides")::add);
        }
        p.putArray("inputs").add(input);
        return p;
    }

    private static ObjectNode withoutKey(ObjectNode rec, boolean cached) {
        ObjectNode c = rec.deepCopy();
        c.remove("key");
        c.remove("outputs");
        c.remove("id_column");
        c.remove("selection_method");
        c.put("cached", cached);
        return c;
    }

    /**
     * Creates the output directory and checks that a file can be written there (before any work).
     *
     * @throws RecipeException naming the directory when it cannot be written
     */
    public static void prepareOutput(Path out) {
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".write-check", AtomicFiles.TMP_MARK + "probe");
            Files.delete(probe);
            AtomicFiles.cleanLeftovers(out);
        } catch (IOException | SecurityException e) {
            throw new RecipeException("Output directory '" + out + "' is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); set 'output' in the recipe or pass --output DIR");
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }
}
