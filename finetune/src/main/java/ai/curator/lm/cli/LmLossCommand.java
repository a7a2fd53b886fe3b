package ai.curator.lm.cli;

import ai.curator.api.Progress;
import ai.curator.api.Table;
import ai.curator.io.AtomicFiles;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.score.LmExamples;
import ai.curator.lm.score.LmModels;
import ai.curator.recipe.TextTemplate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator lm loss}: every row's mean negative log-likelihood (nats) of its response given
 * its prompt ({@link SequenceLoss}), the texts from two templates over the row's fields, encoded as
 * the {@code lm} loss source, generation and fine-tuning encode them ({@link LmExamples}). Writes
 * JSONL {@code {id, loss, tokens}} (atomically with {@code --out}, else to stdout); the summary —
 * mean loss, tokens per second — goes to stderr.
 */
@Command(
        name = "loss",
        mixinStandardHelpOptions = true,
        description = {
            "Per-row mean NLL (nats) of the response given the prompt, as JSONL {id, loss, tokens};",
            "the prompt is rendered as a user turn in the checkpoint's chat format (plain text without one)."
        })
public final class LmLossCommand implements Callable<Integer> {
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

    @Option(
            names = "--prompt",
            required = true,
            paramLabel = "TEMPLATE",
            description = "each row's prompt over its fields, e.g. \"{question}\"")
    String prompt;

    @Option(
            names = "--response",
            required = true,
            paramLabel = "TEMPLATE",
            description = "each row's response, e.g. \"{answer}\"")
    String response;

    @Option(
            names = "--objective",
            defaultValue = "loss",
            description = "loss (mean NLL) or grad_norm (output-layer gradient norm) (default: ${DEFAULT-VALUE})")
    String objective;

    @Option(
            names = "--chat-format",
            paramLabel = "NAME",
            description =
                    "template, plain, chatml or llama3 (default: template when the checkpoint has one, else plain)")
    String chatFormat;

    @Option(names = "--max-length", description = "most tokens of prompt + response (default: the model's context)")
    Integer maxLength;

    @Option(names = "--truncate", description = "cut a too-long row's prompt from the left instead of failing")
    boolean truncate;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "rows per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--adapter",
            paramLabel = "DIR",
            description = "a PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors) to apply")
    Path adapter;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: 1)")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE", description = "write the JSONL here (atomic) instead of stdout")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw LmCli.bad(spec, "--batch-size must be >= 1, got " + batchSize);
        }
        if (!objective.equals("loss") && !objective.equals("grad_norm")) {
            throw LmCli.bad(spec, "--objective must be loss or grad_norm, got '" + objective + "'");
        }
        var format = LmCli.chatFormat(spec, "--chat-format", chatFormat);
        LmCli.threads(spec, threads);
        TextTemplate p = new TextTemplate(prompt, "--prompt");
        TextTemplate r = new TextTemplate(response, "--response");
        Table table = LmCli.read(data, id);
        p.check(table, data.toString());
        r.check(table, data.toString());
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        double[] values = new double[table.rows()];
        long[] tokens = new long[table.rows()];
        long total = 0;
        int cut = 0;
        double seconds;
        Checkpoint checkpoint = LmModels.checkpoint(source.model, source.tokenizer);
        try (CausalLm lm = LmModels.model(checkpoint)) {
            LoraAdapter lora = LmCli.adapter(lm, adapter);
            LmExamples examples;
            try {
                examples = new LmExamples(
                        lm,
                        format,
                        maxLength,
                        truncate,
                        truncate ? "" : " (pass --truncate to cut the prompt's start, or raise --max-length)");
            } catch (IllegalArgumentException e) {
                throw LmCli.bad(
                        spec,
                        "--"
                                + e.getMessage()
                                        .replace("max_length", "max-length")
                                        .replace("chat_format", "chat-format"));
            }
            List<SequenceLoss.Example> all = new ArrayList<>(table.rows());
            for (int i = 0; i < table.rows(); i++) {
                LmExamples.Built b =
                        examples.example(LmCli.where(table, i, data), p.render(table, i), r.render(table, i));
                all.add(b.example());
                tokens[i] = b.tokens();
                total += b.tokens();
                cut += b.truncated() ? 1 : 0;
            }
            err.printf(
                    Locale.ROOT,
                    "lm loss: %s%s, %,d parameters, chat format %s; %,d rows, %,d tokens%s%n",
                    lm.source(),
                    lora != null ? " + LoRA adapter " + adapter : "",
                    LmModels.parameters(checkpoint),
                    examples.format().name().toLowerCase(Locale.ROOT),
                    all.size(),
                    total,
                    cut > 0 ? String.format(Locale.ROOT, " (%,d prompts cut from the left)", cut) : "");
            err.flush();
            SequenceLoss loss = new SequenceLoss(lm, new SequenceLoss.Options(batchSize, null));
            t0 = System.nanoTime();
            int chunk = batchSize * 8; // length-sorted within a chunk; the bar moves chunk by chunk
            try (Progress progress = LmCli.bars().start("lm " + objective, all.size())) {
                for (int from = 0; from < all.size(); from += chunk) {
                    int to = Math.min(all.size(), from + chunk);
                    List<SequenceLoss.Example> part = all.subList(from, to);
                    double[] v = objective.equals("grad_norm") ? loss.outputGradientNorms(part) : loss.losses(part);
                    System.arraycopy(v, 0, values, from, v.length);
                    progress.step(v.length);
                }
            }
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        StringBuilder b = new StringBuilder();
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", table.idText(i));
            o.put(objective, values[i]);
            o.put("tokens", tokens[i]);
            b.append(JSON.writeValueAsString(o)).append('\n');
            sum += values[i];
        }
        if (out != null) {
            AtomicFiles.write(out, b.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            spec.commandLine().getOut().print(b);
            spec.commandLine().getOut().flush();
        }
        double mean = sum / values.length;
        err.printf(
                Locale.ROOT,
                "lm loss: mean %s %.4f%s over %,d rows; %,d tokens in %.1f s (%.0f tokens/s)%s%n",
                objective,
                mean,
                objective.equals("loss") ? " nats" : "",
                values.length,
                total,
                seconds,
                total / Math.max(seconds, 1e-9),
                out != null ? "; wrote " + out : "");
        err.flush();
        return 0;
    }

    /** Adds {@code curator lm loss}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "lm";
        }

        @Override
        public Object command() {
            return new LmLossCommand();
        }
    }
}
