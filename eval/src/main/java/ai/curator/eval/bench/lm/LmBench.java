package ai.curator.eval.bench.lm;

import ai.curator.api.Generator.Settings;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.ModelConfig.Architecture;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.Decoder;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.score.LmModels;
import ai.curator.lm.tokenize.Tokenizer;
import ai.curator.lm.train.Trainer;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tokens per second and peak resident memory of {@link CausalLm} on one model per run: {@code
 * random4.5M}, a random ~4.5M-parameter Llama (vocab 512, hidden 256, 6 layers, 8 heads, 4 KV heads,
 * SwiGLU 688; weights from a seed), or {@code stories260K}, Karpathy's real pretrained 260K-parameter
 * Llama loaded from its llama2.c {@code stories260K.bin} by the project's loader ({@link
 * LmModels#checkpoint}). Measured: a batched forward pass (the per-sample loss's shape; 8 × min(256,
 * context)), cached greedy generation at batch 1 and 8 (16 prompt + 128 new tokens), and a full
 * training update (AdamW) on the forward's tokens; then the process's peak resident set ({@code
 * VmHWM}). Mirrors {@code scripts/bench-lm-torch.py}, which times the same models in PyTorch from
 * Python; one model per process, so that each peak is that model's own.
 *
 * <p>Usage: {@code scripts/bench-lm [--threads N] [--repeats N] [--models LIST]}.
 */
public final class LmBench {
    /** The random Llama's name on the printed lines and in {@code --model}. */
    static final String RANDOM = "random4.5M";
    /** The pretrained model's name on the printed lines and in {@code --model}. */
    static final String STORIES = "stories260K";

    private LmBench() {}

    public static void main(String[] args) {
        int repeats = 3;
        double warmup = 5;
        String model = RANDOM;
        Path stories = Path.of("../shared/models/stories260K/stories260K.bin");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--model" -> model = args[++i];
                case "--stories" -> stories = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println(
                            "usage: LmBench [--repeats N] [--warmup SECONDS] [--model " + RANDOM + "|" + STORIES
                                    + "] [--stories FILE]   (tokens/s and peak memory of the in-JVM model: forward "
                                    + "8 x min(256, context), greedy generation batch 1 and 8, a full training update; "
                                    + "FILE: stories260K.bin, default ../shared/models/stories260K/stories260K.bin)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
        }
        if (!(warmup >= 0)) {
            throw new IllegalArgumentException("--warmup must be >= 0 seconds, got " + warmup);
        }
        Checkpoint checkpoint;
        if (model.equals(RANDOM)) {
            checkpoint = randomCheckpoint(
                    new ModelConfig(Architecture.LLAMA, 512, 256, 688, 6, 8, 4, 512, 1e-5, 10000, true, false, 1, -1),
                    1);
        } else if (model.equals(STORIES)) {
            // The tokenizer (tok512.bin) is found beside the checkpoint; the bench does not need it.
            checkpoint = LmModels.checkpoint(stories, null);
        } else {
            throw new IllegalArgumentException(
                    "--model must be " + RANDOM + " or " + STORIES + ", got '" + model + "'");
        }
        try (CausalLm lm = CausalLm.load(checkpoint)) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d parameters, context %d (%s)%n",
                    model,
                    LmModels.parameters(checkpoint),
                    lm.config().maxPositions(),
                    checkpoint.source());
            run(model, lm, repeats, warmup);
        }
        System.out.printf(Locale.ROOT, "%s peak resident memory (VmHWM): %s%n", model, peakResident());
    }

    /**
     * Runs {@code work} untimed until {@code warmup} seconds have passed (at least once: the JIT
     * compiles the Java side of the hot path over the first seconds), saying how long the first call
     * took; the measured repeats follow.
     */
    private static void warmUp(String label, double warmup, Runnable work) {
        long start = System.nanoTime();
        int calls = 0;
        double first = 0;
        do {
            long t0 = System.nanoTime();
            work.run();
            if (calls++ == 0) {
                first = (System.nanoTime() - t0) / 1e9;
            }
        } while ((System.nanoTime() - start) / 1e9 < warmup);
        System.out.printf(
                Locale.ROOT,
                "%s: warm-up %d calls in %.1f s (first call %.3f s)%n",
                label,
                calls,
                (System.nanoTime() - start) / 1e9,
                first);
    }

    private static void run(String name, CausalLm lm, int repeats, double warmup) {
        ModelConfig c = lm.config();
        int vocab = c.vocabSize();
        SplittableRandom r = new SplittableRandom(2);
        int rows = 8;
        int len = Math.min(256, c.maxPositions());
        String shape = rows + "x" + len;
        int[][] tokens = new int[rows][len];
        int[] lengths = new int[rows];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < len; t++) {
                tokens[b][t] = r.nextInt(3, vocab);
            }
            lengths[b] = len;
        }
        CausalLm.Batch batch = CausalLm.Batch.rightPadded(tokens, lengths, c);
        Runnable forward = () -> {
            try (NDManager m = lm.manager().newSubManager()) {
                lm.forward(m, batch).toFloatArray();
            }
        };
        warmUp(name + " forward " + shape, warmup, forward);
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            forward.run();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s forward %s: %.0f tokens/s (%.3f s)%n", name, shape, rows * len / s, s);
        }
        for (int gen : new int[] {1, 8}) {
            List<int[]> prompts = new ArrayList<>();
            for (int b = 0; b < gen; b++) {
                int[] p = new int[16];
                p[0] = 1;
                for (int t = 1; t < 16; t++) {
                    p[t] = r.nextInt(3, vocab);
                }
                prompts.add(p);
            }
            warmUp(name + " generate batch " + gen, warmup, () -> lm.generate(prompts, Settings.greedy(128)));
            for (int rep = 0; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                List<Decoder.Output> out = lm.generate(prompts, Settings.greedy(128));
                double s = (System.nanoTime() - t0) / 1e9;
                int n = out.stream().mapToInt(o -> o.tokens().length).sum();
                // A row that emits EOS leaves the batch early; the count says so (PyTorch's side
                // always decodes 128 per row).
                System.out.printf(
                        Locale.ROOT,
                        "%s generate batch %d, 16+128: %.0f new tokens/s (%.3f s)%s%n",
                        name,
                        gen,
                        n / s,
                        s,
                        n == gen * 128 ? "" : " [" + n + " of " + gen * 128 + " tokens: EOS]");
            }
        }
        // One training update of every weight (AdamW) on the same tokens: the loss is the next-token
        // NLL of positions 1..len-1 given the first token, as the pretraining samples are.
        List<Trainer.Sample> samples = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            samples.add(Trainer.Sample.of(
                    "b" + b,
                    new SequenceLoss.Example(new int[] {tokens[b][0]}, Arrays.copyOfRange(tokens[b], 1, len))));
        }
        Trainer.Options o =
                new Trainer.Options(1e-4, rows, null, 1, null, len, null, null, null, 0, null, null, 1L, null, null);
        Trainer trainer = Trainer.full(lm, o);
        Runnable step = () -> {
            try {
                trainer.train(samples, null, false, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        warmUp(name + " train step", warmup, step);
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            step.run();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%s train step (full, AdamW) %s: %.0f tokens/s (%.3f s)%n",
                    name,
                    shape,
                    rows * len / s,
                    s);
        }
    }

    /**
     * The process's peak resident set so far, from {@code VmHWM} in {@code /proc/self/status} (Java
     * heap, JIT and libtorch's native allocations alike), e.g. "412 MiB"; "unavailable (...)" where
     * there is no such file (not Linux).
     */
    static String peakResident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kib = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                    return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
                }
            }
            return "unavailable (no VmHWM in /proc/self/status)";
        } catch (IOException | RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** Weights N(0, 0.02²) (norms 1) from {@code seed} under Hugging Face's Llama names. */
    static Checkpoint randomCheckpoint(ModelConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Checkpoint.Tensor> t = new HashMap<>();
        int h = c.hiddenSize();
        int kv = c.numKvHeads() * c.headDim();
        int i = c.intermediateSize();
        put(t, r, "model.embed_tokens.weight", false, c.vocabSize(), h);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            put(t, r, p + "input_layernorm.weight", true, h);
            put(t, r, p + "post_attention_layernorm.weight", true, h);
            put(t, r, p + "self_attn.q_proj.weight", false, h, h);
            put(t, r, p + "self_attn.k_proj.weight", false, kv, h);
            put(t, r, p + "self_attn.v_proj.weight", false, kv, h);
            put(t, r, p + "self_attn.o_proj.weight", false, h, h);
            put(t, r, p + "mlp.gate_proj.weight", false, i, h);
            put(t, r, p + "mlp.up_proj.weight", false, i, h);
            put(t, r, p + "mlp.down_proj.weight", false, h, i);
        }
        put(t, r, "model.norm.weight", true, h);
        Tokenizer tok = new Tokenizer() {
            @Override
            public int[] encode(String text) {
                throw new UnsupportedOperationException("the bench model has no vocabulary");
            }

            @Override
            public String decode(int[] ids) {
                return "";
            }

            @Override
            public int vocabSize() {
                return c.vocabSize();
            }

            @Override
            public int bos() {
                return 1;
            }

            @Override
            public int eos() {
                return -1;
            }
        };
        return new Checkpoint(c, t, tok, null, "random llama (seed " + seed + ")");
    }

    private static void put(
            Map<String, Checkpoint.Tensor> t, SplittableRandom r, String name, boolean ones, int... shape) {
        long[] s = new long[shape.length];
        int n = 1;
        for (int k = 0; k < shape.length; k++) {
            s[k] = shape[k];
            n *= shape[k];
        }
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = ones ? 1f : (float) (0.02 * r.nextGaussian());
        }
        t.put(name, new Checkpoint.Tensor(s, v));
    }
}
