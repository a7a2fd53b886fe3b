package ai.curator.eval.study;

import ai.curator.api.EvalTask;
import ai.curator.api.RecipeException;
import ai.curator.cli.CommandExtension;
import ai.curator.linalg.FloatMatrix;
import ai.curator.lm.model.ChatFormat;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code curator study}: the paper's studies (003 §4.2, Figures 2 and 3) as commands. */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description = "The paper's studies: structure (Fig. 2) and loss-approx (Fig. 3).",
        subcommands = {StudyCommand.Structure.class, StudyCommand.LossApprox.class})
public final class StudyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "study needs a subcommand: structure, loss-approx");
    }

    /** Adds {@code curator study}. */
    public static final class Extension implements CommandExtension {
        @Override
        public String parent() {
            return "curator";
        }

        @Override
        public Object command() {
            return new StudyCommand();
        }
    }

    /** Inputs both studies share: embeddings, the task's rows, losses, output folder and seed. */
    static final class Inputs {
        @Option(
                names = "--embeddings",
                required = true,
                paramLabel = "FILE",
                description = "Embeddings, one row per task row in file order (Arrow matrix; an embed stage's "
                        + "WORK_DIR/01-embed-*/embeddings.arrow).")
        Path embeddings;

        @Option(names = "--task", defaultValue = "gsm8k", description = "Evaluation task of the rows (default gsm8k).")
        String task;

        @Option(names = "--split", defaultValue = "train", description = "Its split (default train).")
        String split;

        @Option(
                names = "--data",
                paramLabel = "DIR",
                description = "Data root (default ../shared/data, or -Dcurator.data).")
        Path data;

        @Option(
                names = "--losses",
                paramLabel = "FILE",
                description = "Per-row losses, JSONL {\"id\": ..., \"loss\": ...} (ids by the task's rule).")
        Path losses;

        @Option(
                names = "--lm-model",
                paramLabel = "PATH",
                description =
                        "Compute the losses here instead: mean NLL of each reference given its prompt under "
                                + "this checkpoint (.gguf, llama2.c .bin or a Hugging Face folder); written to OUT/losses.jsonl.")
        Path lmModel;

        @Option(
                names = "--chat-format",
                description =
                        "With --lm-model: template, plain, chatml or llama3 (default: the checkpoint's template, else plain).")
        String chatFormat;

        @Option(
                names = "--batch-size",
                defaultValue = "16",
                description = "With --lm-model: examples per pass (default 16).")
        int batchSize;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "DIR",
                defaultValue = "out/study",
                description = "Output folder (default out/study).")
        Path output;

        @Option(names = "--seed", defaultValue = "42", description = "The one seed (default 42).")
        long seed;

        @Option(
                names = "--limit",
                paramLabel = "N",
                description = "Only the first N rows (of the split and of the embeddings), for a quick study.")
        Integer limit;

        ObjectNode record = JsonNodeFactory.instance.objectNode();

        StudyData load(PrintWriter log) {
            if ((losses == null) == (lmModel == null)) {
                throw new RecipeException(
                        "give the losses either as --losses FILE or as --lm-model PATH (one of them)");
            }
            Path root = data != null ? data : EvalTask.defaultDataRoot();
            List<EvalTask.Example> ex = StudyData.examples(task, split, root);
            if (limit != null) {
                if (limit < 2) {
                    throw new RecipeException("--limit must be >= 2, got " + limit);
                }
                ex = ex.subList(0, Math.min(limit, ex.size()));
                record.put("limit", limit);
            }
            List<String> ids = ex.stream().map(EvalTask.Example::id).toList();
            record.put("task", task);
            record.put("split", split);
            record.put("rows", ids.size());
            double[] l;
            if (losses != null) {
                l = StudyData.lossesFromFile(losses, ids);
                record.put("losses", losses.toAbsolutePath().normalize().toString());
                record.put("losses_sha256", ai.curator.io.FileIo.sha256(losses));
            } else {
                long t0 = System.nanoTime();
                ChatFormat f = chatFormat == null ? null : ChatFormat.of(chatFormat);
                log.printf("computing %,d losses with %s ...%n", ids.size(), lmModel);
                log.flush();
                l = StudyData.lossesFromModel(lmModel, ex, f, batchSize);
                Path out = output.resolve("losses.jsonl");
                try {
                    java.nio.file.Files.createDirectories(output);
                } catch (java.io.IOException e) {
                    throw new RecipeException("cannot create " + output + ": " + e.getMessage(), e);
                }
                StudyData.writeLosses(out, ids, l);
                record.put("losses_model", lmModel.toAbsolutePath().normalize().toString());
                record.put("losses_model_sha256", ai.curator.io.FileIo.sha256(lmModel));
                record.put("losses_written", out.toString());
                log.printf(Locale.ROOT, "losses in %.1f s -> %s%n", (System.nanoTime() - t0) / 1e9, out);
            }
            // embeddings after the losses: losses computed here are written before anything else can fail
            FloatMatrix x = StudyData.embeddings(embeddings);
            if (limit != null && x.rows() > ids.size()) {
                x = x.selectRows(java.util.stream.IntStream.range(0, ids.size()).toArray());
            }
            if (x.rows() != ids.size()) {
                throw new RecipeException("--embeddings " + embeddings + " has " + x.rows() + " rows but " + task + " "
                        + split + " has " + ids.size() + "; embed the same split");
            }
            record.put("embeddings", embeddings.toAbsolutePath().normalize().toString());
            record.put("embeddings_sha256", ai.curator.io.FileIo.sha256(embeddings));
            return new StudyData(ids, x, l);
        }
    }

    /** "5%" of n, or a count. */
    static List<Integer> counts(String list, int n, String option) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",")) {
            s = s.trim();
            try {
                int v = s.endsWith("%")
                        ? (int) Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) / 100.0 * n)
                        : Integer.parseInt(s);
                out.add(v);
            } catch (NumberFormatException e) {
                throw new RecipeException(option + " takes counts or percentages (e.g. 1%,5%,100), got '" + s + "'");
            }
        }
        return out;
    }

    @Command(
            name = "structure",
            mixinStandardHelpOptions = true,
            description = "Fig. 2: distance to the nearest of k k-means centres vs distance to the span of k "
                    + "leverage-sampled rows, and the mean |true − approximated loss| of each (nearest centre's "
                    + "loss vs kernel ridge). Writes structure.md/.csv/.png/.provenance.json.")
    static final class Structure implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Inputs in = new Inputs();

        @Option(
                names = "--k",
                defaultValue = "1%,2.5%,5%,10%,15%,20%,25%",
                description =
                        "k values: counts, or percentages of N with a %% sign (default 1, 2.5, 5, 10, 15, 20 and 25 percent).")
        String k;

        @Option(names = "--restarts", defaultValue = "10", description = "k-means++ restarts, best kept (default 10).")
        int restarts;

        @Option(
                names = "--max-iterations",
                defaultValue = "100",
                description = "Lloyd iterations per restart (default 100).")
        int maxIterations;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            long t0 = System.nanoTime();
            StudyData d = in.load(out);
            StructureStudy.Options o =
                    new StructureStudy.Options(counts(k, d.x().rows(), "--k"), restarts, maxIterations);
            List<StructureStudy.Row> rows = StructureStudy.run(d.x(), d.losses(), o, in.seed);
            String md = StudyReport.structureMarkdown(rows, d.x().rows(), d.x().cols());
            List<Path> files = StudyReport.write(
                    in.output,
                    "structure",
                    md,
                    StudyReport.structureCsv(rows),
                    StudyReport.structurePlot(rows),
                    StudyReport.provenance("structure", in.record, o, in.seed, (System.nanoTime() - t0) / 1e9));
            out.print(md);
            files.forEach(f -> out.println("  " + f));
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "loss-approx",
            mixinStandardHelpOptions = true,
            description = "Fig. 3: mean Δ(S) = |mean loss − weighted mean over S| of s sensitivity-sampled rows, "
                    + "clustering vs low-rank sensitivity over a grid of k (oracle calls) and λ. Writes "
                    + "loss-approx.md/.csv/.png/.provenance.json.")
    static final class LossApprox implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Inputs in = new Inputs();

        @Option(
                names = "--k",
                defaultValue = "5%,10%,20%",
                description =
                        "Oracle calls (clusters / landmarks): counts, or percentages of N with a %% sign (default 5, 10 and 20 percent).")
        String k;

        @Option(
                names = "--lambdas",
                defaultValue = "0,0.1,1,10",
                split = ",",
                description = "λ values (default ${DEFAULT-VALUE}).")
        List<Double> lambdas;

        @Option(names = "--samples", defaultValue = "2000", description = "Draws s per subset (default 2000).")
        int samples;

        @Option(names = "--trials", defaultValue = "100", description = "Trials (default 100).")
        int trials;

        @Option(
                names = "--rank",
                defaultValue = "20",
                description = "SVD rank for leverage scores and residuals (default 20).")
        int rank;

        @Option(names = "--restarts", defaultValue = "10", description = "k-means++ restarts (default 10).")
        int restarts;

        @Option(
                names = "--max-iterations",
                defaultValue = "100",
                description = "Lloyd iterations per restart (default 100).")
        int maxIterations;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            long t0 = System.nanoTime();
            StudyData d = in.load(out);
            LossApproxStudy.Options o = new LossApproxStudy.Options(
                    counts(k, d.x().rows(), "--k"), lambdas, samples, trials, rank, restarts, maxIterations);
            List<LossApproxStudy.Cell> cells;
            try (ai.curator.api.Progress p = ai.curator.pipeline.ProgressBars.auto(false, System.err)
                    .start("loss-approx (trial, k)", (long) trials * o.ks().size())) {
                cells = LossApproxStudy.run(d.x(), d.losses(), o, in.seed, p);
            }
            double mean = java.util.Arrays.stream(d.losses()).average().orElse(0);
            String md = StudyReport.lossMarkdown(cells, o, d.x().rows(), mean);
            List<Path> files = StudyReport.write(
                    in.output,
                    "loss-approx",
                    md,
                    StudyReport.lossCsv(cells),
                    StudyReport.lossPlot(cells, o),
                    StudyReport.provenance("loss-approx", in.record, o, in.seed, (System.nanoTime() - t0) / 1e9));
            out.print(md);
            files.forEach(f -> out.println("  " + f));
            out.flush();
            return 0;
        }
    }
}
