package ai.curator.lm.cli;

import ai.curator.api.Generator;
import ai.curator.api.Table;
import ai.curator.io.AtomicFiles;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.LmGenerator;
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
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator lm generate}: completions of one prompt or of every row of a file, greedy or
 * sampled, batched with a KV cache ({@link LmGenerator}). {@code --raw} feeds the text as it is
 * (BOS first for Llama-family models); {@code --chat} renders it as a user turn in the checkpoint's
 * chat format; the default is the checkpoint's format, which for a model without a chat template
 * is the raw text.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Complete a prompt (--prompt) or every row of a data file (--prompts) with a checkpoint.",
            "--prompt prints the completion; --prompts (or --out) writes JSONL {id, prompt, completion}."
        })
public final class LmGenerateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CheckpointOptions source;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt (may be empty: BOS only)")
        String prompt;

        @Option(
                names = "--prompts",
                paramLabel = "FILE",
                description = "data file (JSONL, CSV, TSV, Parquet) of prompts; ids from an 'id' column, else the row"
                        + " index")
        Path prompts;
    }

    @Option(
            names = "--template",
            paramLabel = "TEMPLATE",
            defaultValue = "{prompt}",
            description = "with --prompts: each row's prompt over its fields (default: ${DEFAULT-VALUE})")
    String template;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "128",
            description = "tokens to generate at most (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling mass (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "sampling seed; each prompt's stream also depends on its id (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--stop", paramLabel = "STR", description = "stop at this string (cut before it); repeatable")
    List<String> stop = new ArrayList<>();

    @ArgGroup(exclusive = true)
    Mode mode;

    static final class Mode {
        @Option(names = "--chat", description = "render the prompt as a user turn in the checkpoint's chat format")
        boolean chat;

        @Option(names = "--raw", description = "feed the prompt text as it is (BOS first for Llama-family models)")
        boolean raw;

        @Option(
                names = "--chat-format",
                paramLabel = "NAME",
                description =
                        "render with this format: template (the checkpoint's own, the default when it has one), plain, chatml, llama3")
        String chatFormat;
    }

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "prompts decoded together (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--adapter",
            paramLabel = "DIR",
            description = "a PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors) to apply")
    Path adapter;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: 1)")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE", description = "write JSONL {id, prompt, completion} here (atomic)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw LmCli.bad(spec, "--batch-size must be >= 1, got " + batchSize);
        }
        Generator.Settings settings;
        try {
            settings = new Generator.Settings(maxNewTokens, temperature, topP, stop, seed);
        } catch (IllegalArgumentException e) {
            throw LmCli.bad(spec, "--" + e.getMessage().replace('_', '-'));
        }
        ChatFormat format = null;
        if (mode != null && mode.raw) {
            format = ChatFormat.PLAIN;
        } else if (mode != null && mode.chatFormat != null) {
            format = LmCli.chatFormat(spec, "--chat-format", mode.chatFormat);
        }
        LmCli.threads(spec, threads);
        List<Generator.Request> requests = new ArrayList<>();
        if (input.prompts != null) {
            TextTemplate t = new TextTemplate(template, "--template");
            Table table = LmCli.read(input.prompts, null);
            t.check(table, input.prompts.toString());
            for (int r = 0; r < table.rows(); r++) {
                requests.add(new Generator.Request(
                        table.idText(r), List.of(new Generator.Message("user", t.render(table, r)))));
            }
        } else {
            requests.add(new Generator.Request("0", List.of(new Generator.Message("user", input.prompt))));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        Map<String, String> done = new ConcurrentHashMap<>();
        String describe;
        int tokens = 0;
        try (CausalLm lm = LmModels.load(source.model, source.tokenizer)) {
            LoraAdapter lora = LmCli.adapter(lm, adapter);
            LmGenerator gen;
            try {
                gen = new LmGenerator(lm, new LmGenerator.Options(batchSize, format));
            } catch (IllegalArgumentException | ai.curator.api.DataException e) {
                throw LmCli.bad(spec, e.getMessage().replace("chat_format", "--chat-format") + ". Or pass --raw.");
            }
            describe = gen.describe()
                    + (lora != null
                            ? " + LoRA adapter " + adapter + " (r " + lora.rank() + ", "
                                    + lora.modules().size() + " modules)"
                            : "");
            double load = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "lm generate: %s (loaded in %.1f s)%n", describe, load);
            t0 = System.nanoTime();
            try (var progress = LmCli.bars().start("generate", requests.size())) {
                gen.generate(requests, settings, c -> {
                    done.put(c.id(), c.text());
                    progress.step(1);
                });
            }
            for (String text : done.values()) {
                tokens += lm.tokenizer().encode(text).length;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean jsonl = input.prompts != null || out != null;
        if (jsonl) {
            StringBuilder b = new StringBuilder();
            for (Generator.Request r : requests) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", r.id());
                o.put("prompt", r.messages().get(0).content());
                o.put("completion", done.get(r.id()));
                b.append(JSON.writeValueAsString(o)).append('\n');
            }
            if (out != null) {
                AtomicFiles.write(out, b.toString().getBytes(StandardCharsets.UTF_8));
            } else {
                stdout.print(b);
            }
        } else {
            stdout.println(done.get("0"));
        }
        stdout.flush();
        err.printf(
                Locale.ROOT,
                "lm generate: %d completion%s, ~%d tokens in %.1f s (%.1f tokens/s)%s%n",
                requests.size(),
                requests.size() == 1 ? "" : "s",
                tokens,
                seconds,
                tokens / Math.max(seconds, 1e-9),
                out != null ? "; wrote " + out : "");
        err.flush();
        return 0;
    }

    /** Adds {@code curator lm generate}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "lm";
        }

        @Override
        public Object command() {
            return new LmGenerateCommand();
        }
    }
}
