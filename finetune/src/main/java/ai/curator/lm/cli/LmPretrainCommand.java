package ai.curator.lm.cli;

import ai.curator.api.DataException;
import ai.curator.api.Progress;
import ai.curator.io.AtomicFiles;
import ai.curator.io.FileIo;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.io.HfCheckpointWriter;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.pretrain.ModelSizing;
import ai.curator.lm.pretrain.PretrainCorpus;
import ai.curator.lm.tokenize.BpeTrainer;
import ai.curator.lm.tokenize.ByteLevelBpe;
import ai.curator.lm.tokenize.ByteLevelBpeTokenizer;
import ai.curator.lm.tokenize.HfTokenizer;
import ai.curator.lm.train.LrSchedule;
import ai.curator.lm.train.RandomInit;
import ai.curator.lm.train.Trainer;
import ai.curator.lm.train.TrainingProgress;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator lm pretrain}: trains a small Llama-architecture decoder from scratch on text files
 * — a byte-level BPE tokenizer trained on the same text ({@link BpeTrainer}) unless one is given,
 * the text as fixed-length token blocks ({@link PretrainCorpus}), a {@link RandomInit} model trained
 * on every token with {@link Trainer#full} — and writes a Hugging Face checkpoint directory with
 * {@code pretrain.json} (provenance) and {@code loss.csv} (the loss curve).
 *
 * <p>Work in progress lives in {@code OUT.partial/} (the tokenizer, training checkpoints, the
 * curve); {@code --resume} continues from its newest checkpoint, bit-identically. The finished
 * directory appears under its name at once (renamed into place); then {@code OUT.partial/} is
 * removed. Budgets by {@code --epochs} and {@code --max-tokens} are deterministic; {@code
 * --minutes} stops at the first checkpoint boundary (or update, without checkpoints) after the
 * time is up, which depends on the machine's speed.
 */
@Command(
        name = "pretrain",
        mixinStandardHelpOptions = true,
        description = {
            "Pre-train a small Llama-architecture decoder from scratch on text files (UTF-8, .gz allowed; documents",
            "separated by blank lines); writes a Hugging Face checkpoint directory, pretrain.json and loss.csv."
        })
public final class LmPretrainCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--text", required = true, arity = "1..*", paramLabel = "FILE", description = "text files")
    List<Path> text = new ArrayList<>();

    @Option(
            names = "--tokenizer",
            paramLabel = "DIR",
            description =
                    "an existing byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json); default: train"
                            + " one on --text")
    Path tokenizer;

    @Option(
            names = "--vocab-size",
            defaultValue = "4096",
            description = "vocabulary of the trained tokenizer (default: ${DEFAULT-VALUE})")
    int vocabSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the checkpoint directory to create")
    Path out;

    @Option(names = "--hidden", defaultValue = "256", description = "model width (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--layers", defaultValue = "4", description = "decoder layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--kv-heads", description = "key/value heads (default: --heads)")
    Integer kvHeads;

    @Option(
            names = "--intermediate",
            description = "SwiGLU width (default: 8/3 · hidden rounded up to a multiple of 16; 688 for 256)")
    Integer intermediate;

    @Option(
            names = "--context",
            defaultValue = "256",
            description = "the model's context (max_position_embeddings) (default: ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--untied", description = "a separate output layer instead of the tied embedding")
    boolean untied;

    @Option(
            names = "--seq-len",
            defaultValue = "128",
            description = "tokens per training block (default: ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--batch", defaultValue = "16", description = "blocks per update (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--micro-batch", description = "blocks per forward pass (default: --batch)")
    Integer microBatch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "200", description = "warm-up updates (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--schedule",
            defaultValue = "cosine",
            description = "linear, cosine or constant after warm-up (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(
            names = "--weight-decay",
            defaultValue = "0.1",
            description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--max-tokens", description = "stop after this many training tokens (blocks × seq-len)")
    Long maxTokens;

    @Option(
            names = "--epochs",
            description = "passes over the training blocks (default: 1, or what --max-tokens needs)")
    Integer epochs;

    @Option(
            names = "--minutes",
            description = "stop at the first checkpoint (or update) after this many minutes; not deterministic")
    Double minutes;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "initialisation and shuffle (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "500",
            description = "updates between training checkpoints in OUT.partial, 0 = none (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from the newest checkpoint in OUT.partial")
    boolean resume;

    @Option(
            names = "--eval-fraction",
            defaultValue = "0.01",
            description = "share of blocks held out for validation (default: ${DEFAULT-VALUE})")
    double evalFraction;

    @Option(
            names = "--eval-blocks",
            defaultValue = "64",
            description = "held-out blocks evaluated (the first ones) (default: ${DEFAULT-VALUE})")
    int evalBlocks;

    @Option(names = "--eval-every", description = "updates between validation losses (default: a tenth of the run)")
    Integer evalEvery;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: 1)")
    Integer threads;

    /** Thrown by the listener to end a run whose --minutes are up; the model holds the last update. */
    private static final class TimeUp extends RuntimeException {
        final long step;

        TimeUp(long step) {
            super(null, null, false, false);
            this.step = step;
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        for (Path f : text) {
            FileIo.requireReadableFile(f, "Text file (--text)");
        }
        if (Files.exists(out)) {
            throw LmCli.bad(spec, "--out " + out + " exists; pre-training writes a new directory");
        }
        LrSchedule sched = LrSchedule.valueOf(schedule.toUpperCase(Locale.ROOT));
        LmCli.threads(spec, threads);
        PrintWriter err = spec.commandLine().getErr();
        long wall0 = System.nanoTime();
        Path work = out.resolveSibling(out.getFileName() + ".partial");
        if (!resume) {
            AtomicFiles.deleteRecursively(work);
        }
        Files.createDirectories(work);

        // tokenizer: given, reused from a resumed run, or trained here
        Path tokDir = work.resolve("tokenizer");
        String tokenizerSource;
        if (tokenizer != null) {
            Path json = Files.isDirectory(tokenizer) ? tokenizer.resolve(ByteLevelBpe.TOKENIZER_JSON) : tokenizer;
            FileIo.requireReadableFile(json, "Tokenizer (--tokenizer)");
            Path dir = json.toAbsolutePath().getParent();
            ByteLevelBpeTokenizer.load(dir); // checks it is a byte-level BPE with BOS/EOS known
            if (!Files.isDirectory(tokDir)) {
                Path tmp = work.resolve("tokenizer.tmp");
                AtomicFiles.deleteRecursively(tmp);
                Files.createDirectories(tmp);
                Files.copy(json, tmp.resolve(ByteLevelBpe.TOKENIZER_JSON));
                Path cfg = dir.resolve(ByteLevelBpe.TOKENIZER_CONFIG_JSON);
                if (Files.isRegularFile(cfg)) {
                    Files.copy(cfg, tmp.resolve(ByteLevelBpe.TOKENIZER_CONFIG_JSON));
                }
                Files.move(tmp, tokDir, StandardCopyOption.ATOMIC_MOVE);
            }
            tokenizerSource = json + " (sha256 " + FileIo.sha256(json) + ")";
        } else if (Files.isRegularFile(tokDir.resolve(ByteLevelBpe.TOKENIZER_JSON))) {
            tokenizerSource = "trained on --text (vocab " + vocabSize + "), reused from " + tokDir;
            err.println("lm pretrain: reusing the tokenizer trained before in " + tokDir);
        } else {
            long t = System.nanoTime();
            ByteLevelBpe bpe;
            try (Progress merges = LmCli.bars().start("bpe merges", vocabSize - 257)) {
                bpe = BpeTrainer.train(
                        text,
                        new BpeTrainer.Options(vocabSize, null, null, null, null, null, null, context),
                        new BpeTrainer.Listener() {
                            int last;

                            @Override
                            public void merged(int done, int max) {
                                merges.step(done - last);
                                last = done;
                            }
                        });
            }
            Path tmp = work.resolve("tokenizer.tmp");
            AtomicFiles.deleteRecursively(tmp);
            bpe.save(tmp);
            Files.move(tmp, tokDir, StandardCopyOption.ATOMIC_MOVE);
            tokenizerSource = "trained on --text (vocab " + vocabSize + ")";
            err.printf(
                    Locale.ROOT,
                    "lm pretrain: trained a byte-level BPE tokenizer of %,d tokens in %.1f s%n",
                    bpe.vocab().size(),
                    (System.nanoTime() - t) / 1e9);
        }
        ByteLevelBpeTokenizer bpeTok = ByteLevelBpeTokenizer.load(tokDir);
        if (bpeTok.eos() < 0) {
            throw new DataException(tokDir + ": the tokenizer has no eos_token (tokenizer_config.json); documents"
                    + " need one between them");
        }
        try (HfTokenizer tok =
                HfTokenizer.load(tokDir.resolve(ByteLevelBpe.TOKENIZER_JSON), bpeTok.bos(), bpeTok.eos())) {
            return train(tok, bpeTok, tokenizerSource, tokDir, work, sched, wall0, err);
        }
    }

    private Integer train(
            HfTokenizer tok,
            ByteLevelBpeTokenizer bpeTok,
            String tokenizerSource,
            Path tokDir,
            Path work,
            LrSchedule sched,
            long wall0,
            PrintWriter err)
            throws IOException {
        long t0 = System.nanoTime();
        PretrainCorpus.Blocks blocks = PretrainCorpus.build(text, tok, seqLen + 1, evalFraction, null);
        err.printf(
                Locale.ROOT,
                "lm pretrain: %,d documents, %,d bytes -> %,d tokens (%.2f bytes/token) in %.1f s; %,d training blocks,"
                        + " %,d validation blocks of %d tokens%n",
                blocks.documents(),
                blocks.bytes(),
                blocks.tokens(),
                blocks.bytes() / (double) blocks.tokens(),
                (System.nanoTime() - t0) / 1e9,
                blocks.train().size(),
                blocks.validation().size(),
                seqLen + 1);
        ModelConfig config = new ModelConfig(
                ModelConfig.Architecture.LLAMA,
                tok.vocabSize(),
                hidden,
                intermediate(),
                layers,
                heads,
                kvHeads == null ? heads : kvHeads,
                context,
                1e-5,
                10000.0,
                !untied,
                false,
                bpeTok.bos(),
                bpeTok.eos());
        Checkpoint init = RandomInit.checkpoint(config, tok, seed);
        long params = ModelSizing.llamaParameters(config);

        int n = blocks.train().size();
        long perEpoch = (n + batch - 1) / batch;
        long tokensPerUpdate = (long) batch * seqLen;
        Integer maxSteps = null;
        int ep = epochs == null ? 1 : epochs;
        if (maxTokens != null) {
            long steps = Math.max(1, (maxTokens + tokensPerUpdate - 1) / tokensPerUpdate);
            maxSteps = Math.toIntExact(steps);
            if (epochs == null) {
                ep = Math.toIntExact((steps + perEpoch - 1) / perEpoch);
            }
        }
        long total = Math.min(perEpoch * ep, maxSteps == null ? Long.MAX_VALUE : maxSteps);
        Trainer.Options options = new Trainer.Options(
                lr,
                batch,
                microBatch,
                ep,
                maxSteps,
                seqLen + 1,
                Trainer.Overflow.ERROR,
                sched,
                null,
                warmup,
                new ai.curator.lm.train.AdamW(0.9, 0.95, 1e-8, weightDecay),
                1.0,
                seed,
                checkpointEvery,
                2);
        List<Trainer.Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            samples.add(Trainer.Sample.of(
                    "block " + i, PretrainCorpus.example(blocks.train().get(i))));
        }
        List<SequenceLoss.Example> val = new ArrayList<>();
        for (int i = 0; i < Math.min(evalBlocks, blocks.validation().size()); i++) {
            val.add(PretrainCorpus.example(blocks.validation().get(i)));
        }
        err.printf(
                Locale.ROOT,
                "lm pretrain: Llama %,d parameters (hidden %d, %d layers, %d/%d heads, intermediate %d, vocab %d,"
                        + " context %d%s); %,d updates of %d x %d tokens = %,d tokens (%d epoch%s%s)%n",
                params,
                hidden,
                layers,
                heads,
                config.numKvHeads(),
                config.intermediateSize(),
                config.vocabSize(),
                context,
                untied ? ", untied" : ", tied embeddings",
                total,
                batch,
                seqLen,
                total * tokensPerUpdate,
                ep,
                ep == 1 ? "" : "s",
                minutes != null ? String.format(Locale.ROOT, "; stops after %.1f minutes", minutes) : "");
        err.flush();

        Path curve = work.resolve("loss.csv");
        long deadline = minutes == null ? Long.MAX_VALUE : wall0 + (long) (minutes * 60e9);
        long every = evalEvery != null ? evalEvery : Math.max(1, total / 10);
        double[] lastVal = {Double.NaN};
        double initialVal;
        Trainer.Result result;
        long stoppedAt = -1;
        double recentTrain;
        double[] recent = new double[Math.toIntExact(Math.min(total, 20))];
        long[] recentCount = {0};
        try (CausalLm lm = CausalLm.load(init)) {
            SequenceLoss evaluator = new SequenceLoss(lm, new SequenceLoss.Options(batch, null));
            initialVal = val.isEmpty() ? Double.NaN : mean(evaluator.losses(val));
            if (!val.isEmpty()) {
                err.printf(
                        Locale.ROOT,
                        "lm pretrain: validation loss %.4f (perplexity %.1f) on %d blocks before training%n",
                        initialVal,
                        Math.exp(initialVal),
                        val.size());
            }
            TrainingProgress progress = new TrainingProgress(System.err, System.console() != null, Progress.none());
            boolean[] first = {true};
            Trainer.Listener listener = s -> {
                try {
                    if (first[0]) {
                        first[0] = false;
                        keepCurveBefore(curve, s.step());
                    }
                    progress.onStep(s);
                    recent[(int) (recentCount[0]++ % recent.length)] = s.loss();
                    boolean timeUp =
                            System.nanoTime() > deadline && (checkpointEvery == 0 || s.step() % checkpointEvery == 0);
                    boolean evalNow = !val.isEmpty() && (s.step() % every == 0 || s.step() == s.totalSteps() || timeUp);
                    String v = "";
                    if (evalNow) {
                        lastVal[0] = mean(evaluator.losses(val));
                        v = String.format(Locale.ROOT, "%.6f", lastVal[0]);
                        System.err.printf(
                                Locale.ROOT,
                                "lm pretrain: update %d, %,d tokens: validation loss %.4f (perplexity %.1f)%n",
                                s.step(),
                                s.step() * tokensPerUpdate,
                                lastVal[0],
                                Math.exp(lastVal[0]));
                    }
                    Files.writeString(
                            curve,
                            String.format(
                                    Locale.ROOT,
                                    "%d,%d,%.6f,%.3e,%.4f,%s,%.1f%n",
                                    s.step(),
                                    s.step() * tokensPerUpdate,
                                    s.loss(),
                                    s.learningRate(),
                                    s.gradNorm(),
                                    v,
                                    s.tokensPerSecond()),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    if (timeUp && s.step() < s.totalSteps()) {
                        throw new TimeUp(s.step());
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            long tTrain = System.nanoTime();
            double cpu0 = LmCli.cpuSeconds();
            try {
                result = Trainer.full(lm, options).train(samples, work.resolve("checkpoints"), resume, listener);
            } catch (TimeUp up) {
                stoppedAt = up.step;
                result = null;
                for (var p : lm.parameters().values()) {
                    p.setRequiresGradient(false);
                }
            }
            double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
            double trainCpu = LmCli.cpuSeconds() - cpu0;
            long steps = result != null ? result.steps() : stoppedAt;
            if (!val.isEmpty() && Double.isNaN(lastVal[0])) {
                lastVal[0] = mean(evaluator.losses(val));
            }
            int k = (int) Math.min(recentCount[0], recent.length);
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += recent[i];
            }
            recentTrain = k > 0 ? sum / k : Double.NaN;

            ObjectNode prov = JSON.createObjectNode();
            prov.put("command", "curator lm pretrain");
            ArrayNode inputs = prov.putArray("inputs");
            for (Path f : text) {
                ObjectNode in = inputs.addObject();
                in.put("path", f.toString());
                in.put("bytes", Files.size(f));
                in.put("sha256", FileIo.sha256(f));
            }
            prov.put("tokenizer", tokenizerSource);
            ObjectNode o = prov.putObject("options");
            o.put("vocab_size", config.vocabSize());
            o.put("hidden", hidden);
            o.put("layers", layers);
            o.put("heads", heads);
            o.put("kv_heads", config.numKvHeads());
            o.put("intermediate", config.intermediateSize());
            o.put("context", context);
            o.put("tied_embeddings", !untied);
            o.put("seq_len", seqLen);
            o.put("batch", batch);
            o.put("micro_batch", options.microBatchSize());
            o.put("lr", lr);
            o.put("warmup", warmup);
            o.put("schedule", schedule.toLowerCase(Locale.ROOT));
            o.put("adamw", "beta 0.9/0.95, eps 1e-8, weight decay " + weightDecay + ", clip 1.0");
            if (maxTokens != null) {
                o.put("max_tokens", maxTokens);
            }
            o.put("epochs", ep);
            if (minutes != null) {
                o.put("minutes", minutes);
            }
            o.put("seed", seed);
            o.put("checkpoint_every", checkpointEvery);
            o.put("eval_fraction", evalFraction);
            o.put("eval_blocks", val.size());
            ObjectNode d = prov.putObject("data");
            d.put("documents", blocks.documents());
            d.put("bytes", blocks.bytes());
            d.put("tokens", blocks.tokens());
            d.put("train_blocks", blocks.train().size());
            d.put("validation_blocks", blocks.validation().size());
            d.put("dropped_tail_tokens", blocks.dropped());
            ObjectNode tr = prov.putObject("training");
            tr.put("parameters", params);
            tr.put("updates", steps);
            tr.put("planned_updates", total);
            tr.put("tokens_seen", steps * tokensPerUpdate);
            tr.put("stopped_by", stoppedAt >= 0 ? "minutes" : "budget");
            if (result != null) {
                tr.put("resumed_from", result.resumedFrom());
                tr.put("tokens_per_second", Math.round(result.tokensPerSecond()));
            }
            tr.put("train_seconds_this_process", Math.round(trainSeconds * 10) / 10.0);
            // validation passes during training are included in both times
            tr.put("train_cpu_seconds_this_process", Math.round(trainCpu * 10) / 10.0);
            long doneHere = (steps - (result != null ? result.resumedFrom() : 0)) * tokensPerUpdate;
            tr.put("tokens_per_wall_second_this_process", Math.round(doneHere / Math.max(trainSeconds, 1e-9)));
            tr.put("tokens_per_cpu_second_this_process", Math.round(doneHere / Math.max(trainCpu, 1e-9)));
            tr.put(
                    "load_average_at_end",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
            tr.put("cpus", Runtime.getRuntime().availableProcessors());
            tr.put("wall_seconds_this_process", Math.round((System.nanoTime() - wall0) / 1e8) / 10.0);
            ObjectNode l = prov.putObject("loss");
            putNumber(l, "initial_validation", initialVal);
            putNumber(l, "final_train_mean_last_updates", recentTrain);
            putNumber(l, "final_validation", lastVal[0]);
            putNumber(l, "final_validation_perplexity", Math.exp(lastVal[0]));

            Path stage = work.resolve("model");
            AtomicFiles.deleteRecursively(stage);
            Checkpoint trained = lm.toCheckpoint();
            HfCheckpointWriter.write(stage, new Checkpoint(config, trained.tensors(), tok, null, out.toString()));
            // the trainer's tokenizer_config.json names BOS/EOS/padding as tokens; keep it
            Path cfg = tokDir.resolve(ByteLevelBpe.TOKENIZER_CONFIG_JSON);
            if (Files.isRegularFile(cfg)) {
                Files.copy(cfg, stage.resolve(ByteLevelBpe.TOKENIZER_CONFIG_JSON), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.write(
                    stage.resolve("pretrain.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(prov));
            List<String> lines = new ArrayList<>();
            lines.add("update,tokens,train_loss,lr,grad_norm,validation_loss,tokens_per_second");
            if (!val.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "0,0,,,,%.6f,", initialVal));
            }
            if (Files.isRegularFile(curve)) {
                lines.addAll(Files.readAllLines(curve));
            }
            Files.write(stage.resolve("loss.csv"), lines);
            Files.move(stage, out, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteRecursively(work);
            err.printf(
                    Locale.ROOT,
                    "lm pretrain: %,d updates, %,d tokens%s (%.0f tokens per CPU-second); train loss %.4f, validation"
                            + " loss %.4f (perplexity %.1f); wrote %s%n",
                    steps,
                    steps * tokensPerUpdate,
                    result != null
                            ? String.format(Locale.ROOT, " at %.0f tokens/s", result.tokensPerSecond())
                            : " (stopped by --minutes)",
                    tr.get("tokens_per_cpu_second_this_process").asDouble(),
                    recentTrain,
                    lastVal[0],
                    Math.exp(lastVal[0]),
                    out);
            err.flush();
        }
        spec.commandLine().getOut().println(out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static void keepCurveBefore(Path curve, long step) throws IOException {
        if (!Files.isRegularFile(curve)) {
            return;
        }
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(curve)) {
            int comma = line.indexOf(',');
            if (comma > 0 && Long.parseLong(line.substring(0, comma)) < step) {
                keep.add(line);
            }
        }
        Files.write(curve, keep, StandardCharsets.UTF_8);
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, Math.round(v * 1e6) / 1e6);
        } else {
            n.putNull(key);
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    int intermediate() {
        return intermediate != null ? intermediate : (int) (Math.ceil(8.0 * hidden / 3 / 16) * 16);
    }

    private void validate() {
        positive("--hidden", hidden);
        positive("--layers", layers);
        positive("--heads", heads);
        positive("--context", context);
        positive("--seq-len", seqLen);
        positive("--batch", batch);
        if (kvHeads != null) {
            positive("--kv-heads", kvHeads);
        }
        if (intermediate != null) {
            positive("--intermediate", intermediate);
        }
        if (microBatch != null && (microBatch < 1 || microBatch > batch)) {
            throw LmCli.bad(spec, "--micro-batch must be in [1, --batch " + batch + "], got " + microBatch);
        }
        if (hidden % heads != 0) {
            throw LmCli.bad(spec, "--heads " + heads + " must divide --hidden " + hidden);
        }
        if ((hidden / heads) % 2 != 0) {
            throw LmCli.bad(spec, "--hidden / --heads must be even (rotary embeddings), got " + hidden / heads);
        }
        if (kvHeads != null && heads % kvHeads != 0) {
            throw LmCli.bad(spec, "--kv-heads " + kvHeads + " must divide --heads " + heads);
        }
        if (seqLen > context) {
            throw LmCli.bad(spec, "--seq-len " + seqLen + " must be <= --context " + context);
        }
        if (tokenizer == null && vocabSize < 257) {
            throw LmCli.bad(spec, "--vocab-size must be >= 257 (256 bytes + <|endoftext|>), got " + vocabSize);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw LmCli.bad(spec, "--lr must be > 0, got " + lr);
        }
        if (warmup < 0) {
            throw LmCli.bad(spec, "--warmup must be >= 0, got " + warmup);
        }
        if (!(weightDecay >= 0)) {
            throw LmCli.bad(spec, "--weight-decay must be >= 0, got " + weightDecay);
        }
        if (!List.of("linear", "cosine", "constant").contains(schedule.toLowerCase(Locale.ROOT))) {
            throw LmCli.bad(spec, "--schedule must be linear, cosine or constant, got '" + schedule + "'");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw LmCli.bad(spec, "--max-tokens must be >= 1, got " + maxTokens);
        }
        if (epochs != null && epochs < 1) {
            throw LmCli.bad(spec, "--epochs must be >= 1, got " + epochs);
        }
        if (minutes != null && !(minutes > 0)) {
            throw LmCli.bad(spec, "--minutes must be > 0, got " + minutes);
        }
        if (checkpointEvery < 0) {
            throw LmCli.bad(spec, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
        if (!(evalFraction >= 0 && evalFraction < 0.5)) {
            throw LmCli.bad(spec, "--eval-fraction must be in [0, 0.5), got " + evalFraction);
        }
        if (evalBlocks < 0) {
            throw LmCli.bad(spec, "--eval-blocks must be >= 0, got " + evalBlocks);
        }
        if (evalEvery != null && evalEvery < 1) {
            throw LmCli.bad(spec, "--eval-every must be >= 1, got " + evalEvery);
        }
    }

    private void positive(String option, int v) {
        if (v < 1) {
            throw LmCli.bad(spec, option + " must be >= 1, got " + v);
        }
    }

    /** Adds {@code curator lm pretrain}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "lm";
        }

        @Override
        public Object command() {
            return new LmPretrainCommand();
        }
    }
}
