package ai.curator.eval.cli;

import ai.curator.api.EvalTask;
import ai.curator.api.Generator;
import ai.curator.api.RecipeException;
import ai.curator.eval.generate.OpenAiGenerator;
import ai.curator.eval.generate.PredictionsFile;
import ai.curator.eval.generate.PredictionsFileGenerator;
import ai.curator.eval.run.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator eval --task gsm8k|viggo|sql (--predictions FILE | --endpoint URL --model NAME)}:
 * scores predictions the way HALO's code does, with finer metrics and 95% intervals beside it.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate predictions on GSM8K, ViGGO or SQL, scored as HALO's code scores them.",
            "Predictions come from a JSON Lines file ({\"id\": ..., \"prediction\": \"...\"}) or an OpenAI-compatible"
                    + " chat endpoint (vLLM, llama.cpp server, Ollama, TGI); an interrupted endpoint run resumes."
        })
public final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "TASK", description = "gsm8k, viggo or sql.")
    String task;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            description = "The split: gsm8k test; viggo validation (default) or test; sql valid (default) or mock"
                    + " (execution accuracy on mock tables).")
    String split;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            description = "The evaluation file (default: the split's file under --data-root).")
    Path data;

    @Option(
            names = "--data-root",
            paramLabel = "DIR",
            description = "Where the data sets are (default: ../shared/data, or -Dcurator.data).")
    Path dataRoot;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--predictions", paramLabel = "FILE", description = "JSON Lines of {\"id\", \"prediction\"}.")
        Path predictions;

        @Option(
                names = "--endpoint",
                paramLabel = "URL",
                description = "An OpenAI-compatible API base, e.g. http://localhost:8000/v1.")
        String endpoint;
    }

    @Option(names = "--model", paramLabel = "NAME", description = "The served model or adapter (with --endpoint).")
    String model;

    @Option(
            names = "--api-key-env",
            paramLabel = "VAR",
            defaultValue = "OPENAI_API_KEY",
            description = "Environment variable holding the API key (default: ${DEFAULT-VALUE}; unset = none).")
    String apiKeyEnv;

    @Option(names = "--concurrency", paramLabel = "N", description = "Requests in flight (default 8).")
    Integer concurrency;

    @Option(names = "--retries", paramLabel = "N", description = "Retries after 429/5xx/timeouts (default 5).")
    Integer retries;

    @Option(
            names = "--max-new-tokens",
            paramLabel = "N",
            defaultValue = "512",
            description = "Most tokens generated (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--stop", paramLabel = "TEXT", description = "A stop string (repeatable).")
    List<String> stop;

    @Option(
            names = "--template",
            paramLabel = "TEXT",
            description = "User-turn template with {field}s (default: HALO's prompt).")
    String template;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N rows only.")
    Integer limit;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output folder (default: eval-out/TASK-SPLIT); keeps predictions.jsonl for resuming.")
    Path out;

    @Option(names = "--allow-missing", description = "Score the rows that have a prediction when some have none.")
    boolean allowMissing;

    @Option(
            names = "--allow-bad-rows",
            description = "Evaluate rows whose data has a fault (e.g. SQL mock tables SQLite cannot load) without"
                    + " the metric it stops.")
    boolean allowBadRows;

    private Generator.Settings settings() {
        if (maxNewTokens < 1) {
            throw new RecipeException("--max-new-tokens must be >= 1, got " + maxNewTokens);
        }
        return new Generator.Settings(maxNewTokens, 0, 1, stop, 42);
    }

    @Override
    public Integer call() {
        EvalTask t = EvalTask.named(task);
        String sp = split != null ? split : t.defaultSplit();
        if (split != null) {
            t.split(split);
        }
        Path o = out != null ? out : Path.of("eval-out", t.name() + "-" + (data != null ? "file" : sp));
        Evaluation.Options opts = new Evaluation.Options(
                split, data, dataRoot, template, limit, o, allowMissing, allowBadRows, settings(), null, null);
        Generator gen;
        if (source.predictions != null) {
            if (model != null) {
                throw new RecipeException("--model goes with --endpoint, not with --predictions");
            }
            PredictionsFile pf = PredictionsFile.read(source.predictions);
            Path file = Evaluation.dataFile(t, opts);
            List<EvalTask.Example> ex = t.examples(file, template);
            Set<String> known = new HashSet<>();
            ex.forEach(e -> known.add(e.id()));
            List<String> wanted = (limit == null ? ex : ex.subList(0, Math.min(limit, ex.size())))
                    .stream().map(EvalTask.Example::id).toList();
            pf.check(known, wanted, allowMissing, file);
            gen = new PredictionsFileGenerator(pf);
        } else {
            if (model == null) {
                throw new RecipeException("--endpoint needs --model NAME (the served model or adapter)");
            }
            String key = System.getenv(apiKeyEnv);
            gen = new OpenAiGenerator(
                    new OpenAiGenerator.Options(source.endpoint, model, key, concurrency, retries, null, null));
        }
        PrintWriter pw = spec.commandLine().getOut();
        Evaluation.Result r;
        try (Generator g = gen) {
            r = Evaluation.run(t, g, opts, System.err);
        }
        for (String line : r.lines()) {
            pw.println(line);
        }
        pw.println("Outputs in " + o + ": "
                + String.join(
                        ", ",
                        r.outputs().stream()
                                .map(p -> p.getFileName().toString())
                                .toList()));
        pw.flush();
        return 0;
    }
}
