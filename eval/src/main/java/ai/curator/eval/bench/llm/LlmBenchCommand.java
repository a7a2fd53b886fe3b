package ai.curator.eval.bench.llm;

import ai.curator.api.CuratorException;
import ai.curator.eval.bench.BenchCommands;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code curator bench llm}: paper 003's Table 1 end to end — per task, method, budget and seed:
 * select (landmark losses from the base model) → fine-tune the base on the weighted subset → evaluate
 * on the task's test split; then mean ± std over seeds, PRR vs full, the paired difference to
 * uniform, and what selection, fine-tuning and evaluation cost. Exit 0 on success, 2 on bad input,
 * 1 when a run failed (the finished ones are kept; a rerun does what is missing).
 */
@Command(
        name = "llm",
        mixinStandardHelpOptions = true,
        description = {
            "LLM curation benchmark (paper 003 Table 1): for each method, budget and seed, select a weighted subset of the",
            "task's training split (landmark losses from --model), fine-tune --model on it and evaluate on the test split.",
            "Every run is two ordinary recipes under OUT/runs/<id>/ (select.yaml, train.yaml); a rerun resumes.",
            "Writes llm-bench.md, -runs.csv, -summary.csv, .json and .png into --out."
        })
public final class LlmBenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", required = true, description = "gsm8k, viggo or sql")
    String task;

    @Option(
            names = "--model",
            required = true,
            description = "the base model: a Hugging Face checkpoint directory, a .gguf or a llama2.c .bin")
    Path model;

    @Option(
            names = "--methods",
            split = ",",
            description = "methods (default: full,uniform,clustering,lowrank); also k_means, k_center, nn_thinning")
    List<String> methods;

    @Option(
            names = "--budgets",
            split = ",",
            description = "budgets, shares of the training split (default: 25%%,12.5%%,6.25%%)")
    List<String> budgets;

    @Option(
            names = "--seeds",
            defaultValue = "3",
            description = "seeds per method and budget (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "the first seed; seed i is SEED + i (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", description = "the bench folder (default: out/bench-llm-<task>)")
    Path out;

    @Option(
            names = "--workers",
            defaultValue = "1",
            description = "runs fine-tuned and evaluated at once, one process each; results are the same for any"
                    + " number (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(
            names = "--data-root",
            description = "the folder with the task data (default: the curator.data property, else ../shared/data)")
    Path dataRoot;

    @Option(
            names = "--prompt",
            description =
                    "the user turn's template over the task's row fields, for training and evaluation alike,"
                            + " e.g. '{ref}\\n' for a compact ViGGO prompt; \\n is a newline, \\t a tab (default: HALO's prompt)")
    String prompt;

    @Option(
            names = "--response",
            description = "the answer's template, e.g. '{mr}' (with --prompt; default: the task's reference)")
    String response;

    @Option(names = "--text", description = "the embedded text's template (default: the prompt)")
    String text;

    @Option(
            names = "--encoder",
            defaultValue = "bge-small-en",
            description = "the embedding model (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(
            names = "--landmarks",
            defaultValue = "0.2",
            description = "share of rows whose loss the base model computes (low-rank landmarks; clustering gets as"
                    + " many clusters) (default: ${DEFAULT-VALUE})")
    double landmarks;

    @Option(
            names = "--rank",
            defaultValue = "20",
            description = "low-rank sensitivity's rank (default: ${DEFAULT-VALUE})")
    int rank;

    @Option(
            names = "--lambda",
            defaultValue = "1.0",
            description = "the sensitivities' distance weight (default: ${DEFAULT-VALUE})")
    double lambda;

    @Option(names = "--finetune", defaultValue = "lora", description = "lora or full (default: ${DEFAULT-VALUE})")
    String finetune;

    @Option(
            names = "--lr",
            defaultValue = "4e-5",
            description = "fine-tuning learning rate (default: ${DEFAULT-VALUE}, HALO's ViGGO)")
    double lr;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            description = "fine-tuning epochs, every run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "rows per update (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--updates",
            defaultValue = "epochs",
            description = "epochs: every run trains --epochs epochs (the paper's protocol, default); full: a subset at"
                    + " share b trains round(epochs / b) epochs, about the full run's updates")
    String updates;

    @Option(
            names = "--max-length",
            defaultValue = "512",
            description = "tokens per example (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(
            names = "--warmup-ratio",
            defaultValue = "0",
            description = "warm-up share of the updates (default: ${DEFAULT-VALUE})")
    double warmupRatio;

    @Option(names = "--lora-r", defaultValue = "16", description = "LoRA rank (default: ${DEFAULT-VALUE})")
    int loraR;

    @Option(names = "--lora-alpha", defaultValue = "8", description = "LoRA alpha (default: ${DEFAULT-VALUE})")
    int loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.1", description = "LoRA dropout (default: ${DEFAULT-VALUE})")
    double loraDropout;

    @Option(
            names = "--targets",
            split = ",",
            defaultValue = "q_proj,v_proj",
            description = "LoRA target modules (default: ${DEFAULT-VALUE})")
    List<String> targets;

    @Option(
            names = "--eval-split",
            defaultValue = "test",
            description = "the split models are evaluated on (default: ${DEFAULT-VALUE})")
    String evalSplit;

    @Option(names = "--eval-limit", description = "evaluate the first N rows only (default: all)")
    Integer evalLimit;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "256",
            description = "tokens generated per evaluation row (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(
            names = "--eval-batch",
            defaultValue = "16",
            description = "rows decoded together (default: ${DEFAULT-VALUE})")
    int evalBatch;

    @Option(
            names = "--too-long",
            defaultValue = "error",
            description = "rows longer than --max-length (or the model's context): error, or skip (training leaves"
                    + " them out, evaluation scores such a prompt as wrong; both counted) (default: ${DEFAULT-VALUE})")
    String tooLong;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "GLOB",
            description = "run only the runs whose id matches (e.g. '*-6.25pct-*,viggo-full-s1'); the report"
                    + " still covers every finished run")
    List<String> only = List.of();

    @Option(names = "--dry-run", description = "write every run's recipes and print the plan; run nothing")
    boolean dryRun;

    @Option(
            names = "--report-only",
            description = "write the report of the runs finished so far (same settings as the bench); run nothing")
    boolean reportOnly;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        LlmBenchConfig c;
        LlmBench bench;
        PrintStream log = new PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        err.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        err.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
                        err.flush();
                    }
                },
                true,
                java.nio.charset.StandardCharsets.UTF_8);
        try {
            c = new LlmBenchConfig(
                    task,
                    model,
                    methods,
                    budgets,
                    seeds,
                    seed,
                    out != null ? out : Path.of("out", "bench-llm-" + task),
                    workers,
                    dataRoot,
                    unescape(prompt),
                    unescape(response),
                    unescape(text),
                    encoder,
                    landmarks,
                    rank,
                    lambda,
                    finetune,
                    lr,
                    epochs,
                    batch,
                    maxLength,
                    warmupRatio,
                    loraR,
                    loraAlpha,
                    loraDropout,
                    targets,
                    evalSplit,
                    evalLimit,
                    maxNewTokens,
                    evalBatch,
                    tooLong,
                    updates);
            bench = new LlmBench(c, log);
        } catch (IllegalArgumentException | CuratorException e) {
            return BenchCommands.fail(err, spec, "curator bench llm", e);
        }
        try {
            if (dryRun) {
                for (String line : bench.dryRun(only)) {
                    outW.println(line);
                }
                outW.flush();
                return 0;
            }
            List<com.fasterxml.jackson.databind.node.ObjectNode> results;
            if (reportOnly) {
                results = bench.finishedChecked();
                if (results.isEmpty()) {
                    err.println("curator bench llm: no run in " + c.out() + " has finished yet");
                    err.flush();
                    return 2;
                }
                err.println("curator bench llm: report of the " + results.size() + " of "
                        + LlmBench.plan(c).size() + " runs finished so far");
            } else {
                try {
                    results = bench.run(only);
                } catch (ai.curator.api.StageException e) {
                    List<com.fasterxml.jackson.databind.node.ObjectNode> done = bench.finished();
                    if (!done.isEmpty()) {
                        LlmBenchReport.write(
                                c.out(),
                                LlmBench.JSON.readTree(
                                        c.out().resolve("bench.json").toFile()),
                                commandLine(),
                                done,
                                bench.trainRows());
                        err.println("curator bench llm: the report in " + c.out() + " covers the " + done.size()
                                + " finished runs");
                    }
                    throw e;
                }
                if (results.size() < LlmBench.plan(c).size()) {
                    err.println("curator bench llm: the report covers the " + results.size() + " of "
                            + LlmBench.plan(c).size() + " runs finished so far");
                }
            }
            List<Path> files = LlmBenchReport.write(
                    c.out(),
                    LlmBench.JSON.readTree(c.out().resolve("bench.json").toFile()),
                    commandLine(),
                    results,
                    bench.trainRows());
            outW.println(java.nio.file.Files.readString(c.out().resolve("llm-bench.md")));
            for (Path f : files) {
                outW.println("wrote " + f);
            }
            outW.flush();
            return 0;
        } catch (Exception e) {
            return BenchCommands.fail(err, spec, "curator bench llm", e);
        }
    }

    /** {@code \n} and {@code \t} in a template option as a newline and a tab; {@code \\} as a backslash. */
    static String unescape(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'n' || n == 't' || n == '\\') {
                    b.append(n == 'n' ? '\n' : n == 't' ? '\t' : '\\');
                    i++;
                    continue;
                }
            }
            b.append(ch);
        }
        return b.toString();
    }

    /** The command line as given (for the report). */
    private String commandLine() {
        StringBuilder sb = new StringBuilder("curator");
        for (String a : spec.commandLine().getParseResult().originalArgs()) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./:=,%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** Adds {@code curator bench llm}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "bench";
        }

        @Override
        public Object command() {
            return new LlmBenchCommand();
        }
    }
}
