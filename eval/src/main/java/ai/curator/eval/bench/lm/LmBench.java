package ai.curator.eval.bench.lm;

import ai.curator.api.Generator.Settings;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.ModelConfig.Architecture;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.Decoder;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.tokenize.Tokenizer;
import ai.curator.lm.train.Trainer;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tokens per second of {@link CausalLm} on a random ~4.5M-parameter Llama (vocab 512, hidden 256,
 * 6 layers, 8 heads, 4 KV heads, SwiGLU 688; weights from a seed): a batched forward pass (the
 * per-sample loss's shape), cached greedy generation at batch 1 and 8, and a full training update
 * (AdamW) on 8 × 256 tokens. Mirrors {@code
 * scripts/bench-lm-torch.py}, which times the same model in PyTorch from Python.
 *
 * <p>Usage: {@code scripts/bench-lm [--repeats N]}.
 */
public final class LmBench {
    private LmBench() {}

    public static void main(String[] args) {
        int repeats = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: scripts/bench-lm [--repeats N]   (tokens/s of the in-JVM model, random "
                            + "4.5M-parameter Llama: forward 8x256, greedy generation batch 1 and 8)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        ModelConfig c =
                new ModelConfig(Architecture.LLAMA, 512, 256, 688, 6, 8, 4, 512, 1e-5, 10000, true, false, 1, -1);
        try (CausalLm lm = CausalLm.load(randomCheckpoint(c, 1))) {
            SplittableRandom r = new SplittableRandom(2);
            int rows = 8;
            int len = 256;
            int[][] tokens = new int[rows][len];
            int[] lengths = new int[rows];
            for (int b = 0; b < rows; b++) {
                for (int t = 0; t < len; t++) {
                    tokens[b][t] = r.nextInt(3, 512);
                }
                lengths[b] = len;
            }
            CausalLm.Batch batch = CausalLm.Batch.rightPadded(tokens, lengths, c);
            for (int rep = -1; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                try (NDManager m = lm.manager().newSubManager()) {
                    lm.forward(m, batch).toFloatArray();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (rep >= 0) {
                    System.out.printf(Locale.ROOT, "forward 8x256: %.0f tokens/s (%.3f s)%n", rows * len / s, s);
                }
            }
            for (int gen : new int[] {1, 8}) {
                List<int[]> prompts = new ArrayList<>();
                for (int b = 0; b < gen; b++) {
                    int[] p = new int[16];
                    p[0] = 1;
                    for (int t = 1; t < 16; t++) {
                        p[t] = r.nextInt(3, 512);
                    }
                    prompts.add(p);
                }
                for (int rep = -1; rep < repeats; rep++) {
                    long t0 = System.nanoTime();
                    List<Decoder.Output> out = lm.generate(prompts, Settings.greedy(128));
                    double s = (System.nanoTime() - t0) / 1e9;
                    int n = out.stream().mapToInt(o -> o.tokens().length).sum();
                    if (rep >= 0) {
                        System.out.printf(
                                Locale.ROOT, "generate batch %d, 16+128: %.0f new tokens/s (%.3f s)%n", gen, n / s, s);
                    }
                }
            }
            // One training update of every weight (AdamW) on the same 8 x 256 tokens: the loss is the
            // next-token NLL of positions 1..255 given the first token, as the pretraining samples are.
            List<Trainer.Sample> samples = new ArrayList<>();
            for (int b = 0; b < rows; b++) {
                samples.add(Trainer.Sample.of(
                        "b" + b,
                        new SequenceLoss.Example(
                                new int[] {tokens[b][0]}, java.util.Arrays.copyOfRange(tokens[b], 1, len))));
            }
            Trainer.Options o = new Trainer.Options(
                    1e-4, rows, null, 1, null, len, null, null, null, 0, null, null, 1L, null, null);
            Trainer trainer = Trainer.full(lm, o);
            for (int rep = -1; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                try {
                    trainer.train(samples, null, false, null);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (rep >= 0) {
                    System.out.printf(
                            Locale.ROOT, "train step (full, AdamW) 8x256: %.0f tokens/s (%.3f s)%n", rows * len / s, s);
                }
            }
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
