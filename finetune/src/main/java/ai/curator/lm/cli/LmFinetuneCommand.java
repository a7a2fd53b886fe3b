package ai.curator.lm.cli;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Progress;
import ai.curator.api.Table;
import ai.curator.io.AtomicFiles;
import ai.curator.io.FileIo;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.io.HfCheckpointWriter;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.lora.LoraConfig;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.score.LmExamples;
import ai.curator.lm.score.LmModels;
import ai.curator.lm.train.LrSchedule;
import ai.curator.lm.train.Trainer;
import ai.curator.lm.train.TrainingProgress;
import ai.curator.recipe.TextTemplate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator lm finetune}: fine-tunes a checkpoint on the rows of a data file — a LoRA adapter
 * (PEFT format) on the frozen model, or every weight ({@code --method full}, a Hugging Face
 * checkpoint directory) — with {@link Trainer}. Each row's prompt and response come from templates
 * and are encoded by {@link LmExamples}, exactly as {@code lm generate} prompts the model and {@code
 * lm loss} scores it. Rows are weighted by weight × count columns (an exported curator subset has
 * {@code weight} and {@code count}; they are used when present). The output appears whole (renamed
 * into place) with {@code finetune.json} (provenance); training checkpoints live in {@code
 * OUT.partial/} until then, and {@code --resume} continues from them bit-identically.
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tune a checkpoint on a data file's rows (prompt/response templates): a PEFT LoRA adapter or",
            "(--method full) a Hugging Face checkpoint directory, with finetune.json."
        })
public final class LmFinetuneCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CheckpointOptions source;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE",
            description = "JSONL, CSV, TSV or Parquet; ids from --id, else an 'id' column, else the row index")
    Path data;

    @Option(names = "--id", paramLabel = "COLUMN", description = "the id column")
    String id;

    @Option(names = "--prompt", required = true, paramLabel = "TEMPLATE", description = "each row's prompt")
    String prompt;

    @Option(names = "--response", required = true, paramLabel = "TEMPLATE", description = "each row's response")
    String response;

    @Option(names = "--weight", paramLabel = "COLUMN", description = "row weights (default: a 'weight' column if any)")
    String weight;

    @Option(
            names = "--count",
            paramLabel = "COLUMN",
            description = "row multiplicities (default: a 'count' column if any)")
    String count;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "the adapter or model directory to create")
    Path out;

    @Option(names = "--method", defaultValue = "lora", description = "lora or full (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--lora-r", defaultValue = "16", description = "LoRA rank (default: ${DEFAULT-VALUE})")
    int loraR;

    @Option(names = "--lora-alpha", defaultValue = "8", description = "LoRA alpha (default: ${DEFAULT-VALUE})")
    double loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.1", description = "LoRA dropout (default: ${DEFAULT-VALUE})")
    double loraDropout;

    @Option(
            names = "--targets",
            defaultValue = "q,v",
            split = ",",
            description = "LoRA target modules among q,k,v,o,gate,up,down (default: ${DEFAULT-VALUE})")
    List<String> targets;

    @Option(names = "--lr", defaultValue = "4e-5", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--epochs", defaultValue = "1", description = "passes over the rows (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--max-steps", description = "stop after this many updates")
    Integer maxSteps;

    @Option(names = "--batch", defaultValue = "32", description = "rows per update (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--micro-batch", description = "rows per forward pass (default: --batch)")
    Integer microBatch;

    @Option(
            names = "--max-length",
            defaultValue = "512",
            description = "most tokens of prompt + response, at most the model's context (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--truncate", description = "cut a too-long row's prompt from the left instead of failing")
    boolean truncate;

    @Option(names = "--warmup", defaultValue = "20", description = "warm-up updates (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--schedule",
            defaultValue = "linear",
            description = "linear, cosine or constant (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(
            names = "--chat-format",
            paramLabel = "NAME",
            description =
                    "template, plain, chatml or llama3 (default: template when the checkpoint has one, else plain)")
    String chatFormat;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "shuffle, LoRA init and dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "0",
            description = "updates between training checkpoints in OUT.partial, 0 = none (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from the newest checkpoint in OUT.partial")
    boolean resume;

    @Option(
            names = "--loss-rows",
            defaultValue = "256",
            description = "report the weighted training loss before and after on the first N rows, 0 = skip"
                    + " (default: ${DEFAULT-VALUE})")
    int lossRows;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: 1)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (!method.equals("lora") && !method.equals("full")) {
            throw LmCli.bad(spec, "--method must be lora or full, got '" + method + "'");
        }
        if (!List.of("linear", "cosine", "constant").contains(schedule.toLowerCase(Locale.ROOT))) {
            throw LmCli.bad(spec, "--schedule must be linear, cosine or constant, got '" + schedule + "'");
        }
        if (warmup < 0) {
            throw LmCli.bad(spec, "--warmup must be >= 0, got " + warmup);
        }
        if (checkpointEvery < 0) {
            throw LmCli.bad(spec, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
        if (lossRows < 0) {
            throw LmCli.bad(spec, "--loss-rows must be >= 0, got " + lossRows);
        }
        LoraConfig lora;
        Trainer.Options options;
        try {
            lora = new LoraConfig(loraR, loraAlpha, loraDropout, targets, seed);
            options = new Trainer.Options(
                    lr,
                    batch,
                    microBatch,
                    epochs,
                    maxSteps,
                    maxLength,
                    Trainer.Overflow.ERROR,
                    LrSchedule.valueOf(schedule.toUpperCase(Locale.ROOT)),
                    null,
                    warmup,
                    null,
                    null,
                    seed,
                    checkpointEvery,
                    null);
        } catch (IllegalArgumentException e) {
            throw LmCli.bad(
                    spec,
                    "--"
                            + e.getMessage()
                                    .replace("lora.rank", "lora-r")
                                    .replace("lora.alpha", "lora-alpha")
                                    .replace("lora.dropout", "lora-dropout")
                                    .replace("lora.targets", "targets")
                                    .replace("learning_rate", "lr")
                                    .replace("batch_size", "batch")
                                    .replace("micro_batch_size", "micro-batch")
                                    .replace("max_steps", "max-steps")
                                    .replace("max_length", "max-length"));
        }
        if (Files.exists(out)) {
            throw LmCli.bad(spec, "--out " + out + " exists; fine-tuning writes a new directory");
        }
        var format = LmCli.chatFormat(spec, "--chat-format", chatFormat);
        LmCli.threads(spec, threads);
        TextTemplate p = new TextTemplate(prompt, "--prompt");
        TextTemplate r = new TextTemplate(response, "--response");
        Table table = LmCli.read(data, id);
        p.check(table, data.toString());
        r.check(table, data.toString());
        PrintWriter err = spec.commandLine().getErr();
        String weightColumn = column(table, "--weight", weight, "weight", err);
        String countColumn = column(table, "--count", count, "count", err);
        Path work = out.resolveSibling(out.getFileName() + ".partial");
        if (!resume) {
            AtomicFiles.deleteRecursively(work);
        }
        Files.createDirectories(work);
        long wall0 = System.nanoTime();
        Checkpoint checkpoint = LmModels.checkpoint(source.model, source.tokenizer);
        try (CausalLm lm = LmModels.model(checkpoint)) {
            int context = lm.config().maxPositions();
            LmExamples examples;
            try {
                examples = new LmExamples(
                        lm,
                        format,
                        Math.min(maxLength, context),
                        truncate,
                        truncate ? "" : " (pass --truncate to cut the prompt's start, or raise --max-length)");
            } catch (IllegalArgumentException e) {
                throw LmCli.bad(spec, "--" + e.getMessage().replace("max_length", "max-length"));
            }
            List<Trainer.Sample> samples = new ArrayList<>(table.rows());
            List<SequenceLoss.Example> all = new ArrayList<>(table.rows());
            long tokens = 0;
            int cut = 0;
            for (int i = 0; i < table.rows(); i++) {
                String where = LmCli.where(table, i, data);
                LmExamples.Built b = examples.example(where, p.render(table, i), r.render(table, i));
                double w = weightColumn == null ? 1 : number(table, weightColumn, i, where);
                double c = countColumn == null ? 1 : number(table, countColumn, i, where);
                if (c != Math.rint(c) || c < 0 || c > Integer.MAX_VALUE) {
                    throw new DataException(
                            where + ": count column '" + countColumn + "' must hold whole numbers >= 0, got " + c);
                }
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new DataException(
                            where + ": weight column '" + weightColumn + "' must hold finite numbers >= 0, got " + w);
                }
                samples.add(new Trainer.Sample(table.idText(i), b.example(), w, (int) c));
                all.add(b.example());
                tokens += b.tokens();
                cut += b.truncated() ? 1 : 0;
            }
            err.printf(
                    Locale.ROOT,
                    "lm finetune: %s, %,d parameters, chat format %s; %,d rows, %,d tokens%s; %s%n",
                    lm.source(),
                    LmModels.parameters(checkpoint),
                    examples.format().name().toLowerCase(Locale.ROOT),
                    samples.size(),
                    tokens,
                    cut > 0 ? String.format(Locale.ROOT, " (%,d prompts cut from the left)", cut) : "",
                    method.equals("lora")
                            ? String.format(
                                    Locale.ROOT,
                                    "LoRA r %d alpha %s dropout %s on %s",
                                    loraR,
                                    loraAlpha,
                                    loraDropout,
                                    String.join(",", lora.targets()))
                            : "full fine-tuning");
            err.flush();
            SequenceLoss evaluator = new SequenceLoss(lm, new SequenceLoss.Options(Math.min(batch, 8), null));
            List<SequenceLoss.Example> probe = all.subList(0, Math.min(lossRows, all.size()));
            double before = probe.isEmpty() ? Double.NaN : weightedMean(evaluator.losses(probe), samples);
            LoraAdapter adapter = method.equals("lora") ? LoraAdapter.create(lm, lora) : null;
            Trainer trainer = adapter != null ? Trainer.lora(lm, adapter, options) : Trainer.full(lm, options);
            double cpu0 = LmCli.cpuSeconds();
            Trainer.Result result = trainer.train(
                    samples,
                    work.resolve("checkpoints"),
                    resume,
                    new TrainingProgress(System.err, System.console() != null, Progress.none()));
            double trainCpu = LmCli.cpuSeconds() - cpu0;
            double after = probe.isEmpty() ? Double.NaN : weightedMean(evaluator.losses(probe), samples);
            Path stage = work.resolve("out");
            AtomicFiles.deleteRecursively(stage);
            if (adapter != null) {
                adapter.save(stage, source.model.toString());
            } else {
                HfCheckpointWriter.write(stage, lm.toCheckpoint());
            }
            ObjectNode prov = JSON.createObjectNode();
            prov.put("command", "curator lm finetune");
            ObjectNode base = prov.putObject("model");
            base.put("path", source.model.toString());
            base.put("sha256", LmModels.sha256(source.model));
            base.put("parameters", LmModels.parameters(checkpoint));
            ObjectNode in = prov.putObject("data");
            in.put("path", data.toString());
            in.put("sha256", FileIo.sha256(data));
            in.put("rows", table.rows());
            in.put("rows_trained", result.samples());
            in.put("tokens", tokens);
            in.put("prompt", prompt);
            in.put("response", response);
            if (weightColumn != null) {
                in.put("weight_column", weightColumn);
            }
            if (countColumn != null) {
                in.put("count_column", countColumn);
            }
            in.put("chat_format", examples.format().name().toLowerCase(Locale.ROOT));
            ObjectNode o = prov.putObject("options");
            o.put("method", method);
            if (adapter != null) {
                o.put("lora_r", loraR);
                o.put("lora_alpha", loraAlpha);
                o.put("lora_dropout", loraDropout);
                o.put("targets", String.join(",", lora.targets()));
            }
            o.put("trainer", options.toString());
            ObjectNode t = prov.putObject("training");
            t.put("updates", result.steps());
            t.put("resumed_from", result.resumedFrom());
            t.put("tokens_per_second", Math.round(result.tokensPerSecond()));
            t.put("train_seconds_this_process", Math.round(result.seconds() * 10) / 10.0);
            t.put("train_cpu_seconds_this_process", Math.round(trainCpu * 10) / 10.0);
            t.put("tokens_per_cpu_second", Math.round(result.tokens() / Math.max(trainCpu, 1e-9)));
            t.put(
                    "load_average_at_end",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
            t.put("wall_seconds_this_process", Math.round((System.nanoTime() - wall0) / 1e8) / 10.0);
            if (!probe.isEmpty()) {
                t.put("loss_rows", probe.size());
                t.put("weighted_loss_before", before);
                t.put("weighted_loss_after", after);
            }
            Files.write(
                    stage.resolve("finetune.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(prov));
            Files.move(stage, out, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteRecursively(work);
            if (adapter != null) {
                adapter.close();
            }
            err.printf(
                    Locale.ROOT,
                    "lm finetune: %,d updates on %,d rows at %.0f tokens/s (%.0f per CPU-second); weighted mean loss on %d rows %.4f -> %.4f;"
                            + " wrote %s%n",
                    result.steps(),
                    result.samples(),
                    result.tokensPerSecond(),
                    result.tokens() / Math.max(trainCpu, 1e-9),
                    probe.size(),
                    before,
                    after,
                    out);
            err.flush();
        }
        spec.commandLine().getOut().println(out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The column to use: the option's (which must exist), else {@code fallback} when present (logged), else none. */
    private String column(Table t, String option, String given, String fallback, PrintWriter err) {
        if (given != null) {
            if (!t.hasColumn(given)) {
                throw new DataException(data + ": " + option + " names column '" + given + "', which is not there;"
                        + " columns are " + t.columnNames());
            }
            if (!t.column(given).type().isNumeric()) {
                throw new DataException(data + ": " + option + " column '" + given + "' is "
                        + t.column(given).type() + ", not numeric");
            }
            return given;
        }
        if (t.hasColumn(fallback) && t.column(fallback).type().isNumeric()) {
            err.println("lm finetune: using the '" + fallback + "' column of " + data + " as row " + fallback
                    + "s (pass " + option + " to choose another)");
            return fallback;
        }
        return null;
    }

    private static double number(Table t, String column, int row, String where) {
        Column c = t.column(column);
        if (c.isNull(row)) {
            throw new DataException(where + ": column '" + column + "' is empty");
        }
        return c.number(row);
    }

    private static double weightedMean(double[] losses, List<Trainer.Sample> samples) {
        double s = 0;
        double w = 0;
        for (int i = 0; i < losses.length; i++) {
            double u = samples.get(i).weight() * samples.get(i).count();
            s += u * losses[i];
            w += u;
        }
        return w > 0 ? s / w : Arrays.stream(losses).average().orElse(Double.NaN);
    }

    /** Adds {@code curator lm finetune}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "lm";
        }

        @Override
        public Object command() {
            return new LmFinetuneCommand();
        }
    }
}
