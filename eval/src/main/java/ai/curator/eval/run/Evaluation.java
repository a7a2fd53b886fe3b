package ai.curator.eval.run;

import ai.curator.api.CuratorException;
import ai.curator.api.DataException;
import ai.curator.api.EvalTask;
import ai.curator.api.Generator;
import ai.curator.api.RecipeException;
import ai.curator.eval.generate.OpenAiGenerator;
import ai.curator.eval.generate.PredictionsFile;
import ai.curator.io.FileIo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a generator on a task: reads the evaluation file into examples, asks the generator for
 * every prediction not already in {@code OUT/predictions.jsonl} (each appended as it arrives, so
 * an interrupted run resumes where it stopped and never asks twice), scores them, and writes the
 * per-example JSONL, the summary (JSON, Markdown, CSV) and provenance ({@link Reports}). A library
 * class: {@code curator eval} and a recipe's eval stage call {@link #run}.
 */
public final class Evaluation {
    /**
     * What to evaluate and where to write.
     *
     * @param split the task's split; default the task's {@link EvalTask#defaultSplit()}
     * @param data the evaluation file; default the split's file under {@code dataRoot}
     * @param dataRoot where the data sets are; default {@link EvalTask#defaultDataRoot()}
     * @param template the user-turn template ({@code {field}}); default HALO's prompt
     * @param limit evaluate the first {@code limit} rows only, &ge; 1; default all
     * @param out the output folder (required); holds {@code predictions.jsonl} across reruns
     * @param allowMissing score the rows that have a prediction when some have none; default false
     *     (an error naming them)
     * @param allowFaults evaluate rows with a data fault ({@link EvalTask.Example#fault}) without
     *     the metric the fault stops; default false (an error naming them)
     * @param settings decoding; default greedy, 512 new tokens
     * @param bootstrap resamples for bootstrap intervals, &ge; 100; default 1000
     * @param seed seed of the bootstrap; default 42
     */
    public record Options(
            String split,
            Path data,
            Path dataRoot,
            String template,
            Integer limit,
            Path out,
            Boolean allowMissing,
            Boolean allowFaults,
            Generator.Settings settings,
            Integer bootstrap,
            Long seed) {
        public Options {
            if (out == null) {
                throw new RecipeException("eval: an output folder is required");
            }
            if (limit != null && limit < 1) {
                throw new RecipeException("eval.limit must be >= 1, got " + limit);
            }
            allowMissing = allowMissing != null && allowMissing;
            allowFaults = allowFaults != null && allowFaults;
            settings = settings == null ? Generator.Settings.greedy(512) : settings;
            bootstrap = bootstrap == null ? 1000 : bootstrap;
            if (bootstrap < 100) {
                throw new RecipeException("eval.bootstrap must be >= 100, got " + bootstrap);
            }
            seed = seed == null ? 42L : seed;
        }

        /** Defaults for everything but the output folder. */
        public static Options to(Path out) {
            return new Options(null, null, null, null, null, out, null, null, null, null, null);
        }
    }

    /**
     * The outcome.
     *
     * @param task the task's name
     * @param split the split (or {@code file} for an explicit file)
     * @param file the evaluation file
     * @param rows the rows evaluated (after {@code limit})
     * @param scored the rows scored (those with a prediction)
     * @param missing ids of rows without a prediction (only with {@code allowMissing})
     * @param metrics every metric, headline first
     * @param outputs the files written
     */
    public record Result(
            String task,
            String split,
            Path file,
            int rows,
            int scored,
            List<String> missing,
            List<MetricSummary> metrics,
            List<Path> outputs) {

        /** The console lines, one per metric. */
        public List<String> lines() {
            return metrics.stream().map(m -> m.line(task)).toList();
        }
    }

    private Evaluation() {}

    /** The evaluation file of {@code options}: {@code data}, else the split's file under the data root. */
    public static Path dataFile(EvalTask task, Options options) {
        if (options.data() != null) {
            return options.data();
        }
        String split = options.split() != null ? options.split() : task.defaultSplit();
        Path root = options.dataRoot() != null ? options.dataRoot() : EvalTask.defaultDataRoot();
        return root.resolve(task.split(split).file());
    }

    /**
     * Runs the evaluation.
     *
     * @param log where progress and warnings go (not the result lines; print {@link Result#lines()})
     * @throws DataException for bad data or predictions (naming file, line, id)
     * @throws RecipeException for bad options, or an output folder holding another run
     * @throws CuratorException when the generator fails (what it finished is kept)
     */
    public static Result run(EvalTask task, Generator generator, Options options, PrintStream log) {
        String split =
                options.data() != null ? "file" : options.split() != null ? options.split() : task.defaultSplit();
        if (options.data() == null) {
            task.split(split); // an unknown split fails here, listing the known ones
        }
        Path file = dataFile(task, options);
        List<EvalTask.Example> all = task.examples(file, options.template());
        Set<String> ids = new HashSet<>();
        for (EvalTask.Example e : all) {
            if (!ids.add(e.id())) {
                throw new DataException(file + ": duplicate row id " + e.id());
            }
        }
        List<EvalTask.Example> examples =
                options.limit() == null ? all : all.subList(0, Math.min(options.limit(), all.size()));
        List<String> faults = examples.stream()
                .map(EvalTask.Example::fault)
                .filter(f -> f != null)
                .toList();
        if (!faults.isEmpty()) {
            if (!options.allowFaults()) {
                throw new DataException(
                        faults.get(0) + (faults.size() > 1 ? " (and " + (faults.size() - 1) + " more rows)" : "")
                                + "; pass --allow-bad-rows to evaluate them without the metric it stops");
            }
            log.printf(
                    "warning: %d rows have a data fault and are left out of a metric, e.g. %s%n",
                    faults.size(), faults.get(0));
        }
        String dataSha = FileIo.sha256(file);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("task", task.name());
        run.put("split", split);
        run.put("data_file", file.toString());
        run.put("data_sha256", dataSha);
        run.put("template", options.template());
        run.put("generator", generator.describe());
        run.put("model", identity(generator));
        run.put("settings", settingsMap(options.settings()));
        Reports.claim(options.out(), run);

        Path predFile = options.out().resolve("predictions.jsonl");
        Map<String, String> predictions;
        try (PredictionStore store = new PredictionStore(predFile)) {
            Map<String, String> before = store.done();
            for (String id : before.keySet()) {
                if (!ids.contains(id)) {
                    throw new DataException(predFile + ": id " + id + " is not a row of " + file
                            + "; this folder holds another run: use another --out");
                }
            }
            List<Generator.Request> todo = new ArrayList<>();
            for (EvalTask.Example e : examples) {
                if (!before.containsKey(e.id())) {
                    todo.add(new Generator.Request(e.id(), e.prompt()));
                }
            }
            if (!todo.isEmpty()) {
                log.printf(
                        "%s %s: %d rows, %d predictions on disk, asking %s for %d%n",
                        task.name(),
                        split,
                        examples.size(),
                        examples.size() - todo.size(),
                        generator.describe(),
                        todo.size());
                try {
                    generator.generate(todo, options.settings(), store::append);
                } catch (RuntimeException e) {
                    log.printf(
                            "%d of %d predictions are kept in %s; rerun the same command to resume%n",
                            store.done().size(), examples.size(), predFile);
                    throw e;
                }
            }
            predictions = store.done();
        }
        List<String> missing = new ArrayList<>();
        for (EvalTask.Example e : examples) {
            if (!predictions.containsKey(e.id())) {
                missing.add(e.id());
            }
        }
        if (!missing.isEmpty()) {
            if (!options.allowMissing()) {
                throw new DataException("no prediction for " + missing.size() + " of " + examples.size() + " rows (ids "
                        + PredictionsFile.sample(missing) + "); pass --allow-missing to score the rest");
            }
            log.printf(
                    "warning: %d rows have no prediction and are not scored (ids %s)%n",
                    missing.size(), PredictionsFile.sample(missing));
        }
        List<Reports.Row> rows = new ArrayList<>();
        for (EvalTask.Example e : examples) {
            String p = predictions.get(e.id());
            if (p != null) {
                rows.add(new Reports.Row(e, p, task.score(e, p)));
            }
        }
        List<MetricSummary> metrics = summarize(task, rows, options);
        run.put("rows", examples.size());
        run.put("scored", rows.size());
        run.put("missing", missing);
        run.put("limit", options.limit());
        run.put("data_faults", faults);
        List<Path> outputs = Reports.write(options.out(), task, run, rows, metrics);
        List<Path> all2 = new ArrayList<>();
        all2.add(predFile);
        all2.addAll(outputs);
        return new Result(task.name(), split, file, examples.size(), rows.size(), List.copyOf(missing), metrics, all2);
    }

    /**
     * What must stay the same for a rerun to resume: the served model's name for an endpoint (the
     * server may come back on another host or port), else the generator's description.
     */
    static String identity(Generator g) {
        if (g instanceof OpenAiGenerator o) {
            return "openai model=" + o.model();
        }
        return g.describe();
    }

    static Map<String, Object> settingsMap(Generator.Settings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_new_tokens", s.maxNewTokens());
        m.put("temperature", s.temperature());
        m.put("top_p", s.topP());
        m.put("stop", s.stop());
        m.put("seed", s.seed());
        return m;
    }

    static List<MetricSummary> summarize(EvalTask task, List<Reports.Row> rows, Options options) {
        List<MetricSummary> out = new ArrayList<>();
        int k = 0;
        for (EvalTask.Metric m : task.metrics()) {
            List<EvalTask.Tally> ts = new ArrayList<>();
            for (Reports.Row r : rows) {
                EvalTask.Tally t = r.scored().metrics().get(m.name());
                if (t != null) {
                    ts.add(t);
                }
            }
            if (ts.isEmpty() && k > 0) {
                k++;
                continue; // the metric applies to none of these rows (e.g. execution without mock tables)
            }
            double[] h = new double[ts.size()];
            double[] n = new double[ts.size()];
            boolean accuracy = true;
            double hs = 0;
            double ns = 0;
            for (int i = 0; i < ts.size(); i++) {
                h[i] = ts.get(i).hits();
                n[i] = ts.get(i).total();
                hs += h[i];
                ns += n[i];
                accuracy &= n[i] == 1;
            }
            Confidence.Interval ci = accuracy
                    ? Confidence.wilson(hs, ns)
                    : Confidence.bootstrap(h, n, options.bootstrap(), options.seed() + k);
            out.add(new MetricSummary(m.name(), m.description(), hs, ns, ts.size(), ci));
            k++;
        }
        return out;
    }
}
