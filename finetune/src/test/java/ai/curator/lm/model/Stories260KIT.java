package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Generator.Settings;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The model on real pretrained weights nobody in this project wrote: Karpathy's stories260K
 * (llama2.c checkpoint, {@code ../shared/models/stories260K}; skipped when absent). Greedy decoding
 * from BOS must reproduce llama2.c's own reference output character for character ({@code
 * expected_stdout} of its {@code test_all.py}: {@code ./run stories260K.bin -z tok512.bin -t 0.0 -n
 * 200}, i.e. BOS + 199 tokens), with and without the KV cache.
 *
 * <p>The llama2.c reader here is a minimal test fixture (the production readers live in {@code
 * ai.curator.lm.io}); it permutes q/k rows from Meta's interleaved rotary order to Hugging Face's,
 * as the {@link Checkpoint} contract asks.
 */
class Stories260KIT {
    /** llama2.c's test_all.py expected_stdout (Karpathy's C implementation, greedy, 200 positions). */
    static final String LLAMA2C_GREEDY =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in "
                    + "the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
                    + "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. She said, "
                    + "\"I want to play with your ball, but I can't find it.\"\n"
                    + "Lily was sad and didn't know what to do. She said, \"I'm sorry, Lily. I didn't know what to do.\"\n"
                    + "Lily didn't want to help her mom, so she";

    static Path dir() {
        String prop = System.getProperty("curator.stories260k");
        return Stream.of(
                        prop,
                        "../../shared/models/stories260K",
                        "../shared/models/stories260K",
                        "/work/shared/models/stories260K")
                .filter(p -> p != null && Files.isRegularFile(Path.of(p, "stories260K.bin")))
                .map(Path::of)
                .findFirst()
                .orElse(null);
    }

    @Test
    void greedyFromBosTellsTheStory() throws IOException {
        Path dir = dir();
        Assumptions.assumeTrue(dir != null, "needs ../shared/models/stories260K/stories260K.bin");
        Checkpoint ckpt = read(dir.resolve("stories260K.bin"), dir.resolve("tok512.bin"));
        assertEquals(64, ckpt.config().hiddenSize());
        try (CausalLm lm = CausalLm.load(ckpt)) {
            List<int[]> prompt = List.of(new int[] {1});
            Decoder.Output cached = lm.generate(prompt, Settings.greedy(120)).get(0);
            Decoder.Output full = new Decoder(lm, false)
                    .generate(prompt, Settings.greedy(120))
                    .get(0);
            assertArrayEquals(full.tokens(), cached.tokens());
            System.out.println("stories260K greedy: " + cached.text().replace("\n", "\\n"));
            assertTrue(cached.text().startsWith("Once upon a time"), cached.text());
            // Its own greedy story is likely under the model: a low loss, far below uniform (ln 512 ≈ 6.24).
            double[] loss = new SequenceLoss(lm, SequenceLoss.Options.defaults())
                    .losses(List.of(new SequenceLoss.Example(new int[] {1}, cached.tokens())));
            assertTrue(loss[0] > 0 && loss[0] < 1.5, "loss " + loss[0]);
        }
    }

    /** A llama2.c checkpoint and tokenizer as a {@link Checkpoint} (test fixture). */
    static Checkpoint read(Path model, Path tokenizer) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(model)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = buf.getInt();
        int hidden = buf.getInt();
        int layers = buf.getInt();
        int heads = buf.getInt();
        int kvHeads = buf.getInt();
        int vocab = buf.getInt();
        int seq = buf.getInt();
        boolean shared = vocab > 0;
        vocab = Math.abs(vocab);
        int headDim = dim / heads;
        int kvDim = kvHeads * headDim;
        var fb = buf.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        Map<String, Checkpoint.Tensor> t = new HashMap<>();
        t.put("model.embed_tokens.weight", take(fb, vocab, dim));
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".input_layernorm.weight", take(fb, dim));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".self_attn.q_proj.weight", permute(take(fb, dim, dim), heads));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".self_attn.k_proj.weight", permute(take(fb, kvDim, dim), kvHeads));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".self_attn.v_proj.weight", take(fb, kvDim, dim));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".self_attn.o_proj.weight", take(fb, dim, dim));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".post_attention_layernorm.weight", take(fb, dim));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".mlp.gate_proj.weight", take(fb, hidden, dim));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".mlp.down_proj.weight", take(fb, dim, hidden));
        }
        for (int l = 0; l < layers; l++) {
            t.put("model.layers." + l + ".mlp.up_proj.weight", take(fb, hidden, dim));
        }
        t.put("model.norm.weight", take(fb, dim));
        fb.position(fb.position() + seq * headDim); // llama2.c's freq_cis_real and _imag tables
        if (!shared) {
            t.put("lm_head.weight", take(fb, vocab, dim));
        }
        ModelConfig c = new ModelConfig(
                ModelConfig.Architecture.LLAMA,
                vocab,
                dim,
                hidden,
                layers,
                heads,
                kvHeads,
                seq,
                1e-5,
                10000,
                shared,
                false,
                1,
                2);
        return new Checkpoint(c, t, pieces(tokenizer, vocab), null, model.toString());
    }

    private static Checkpoint.Tensor take(java.nio.FloatBuffer fb, int... shape) {
        int n = 1;
        long[] s = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            n *= shape[k];
            s[k] = shape[k];
        }
        float[] v = new float[n];
        fb.get(v);
        return new Checkpoint.Tensor(s, v);
    }

    /** Meta's interleaved rotary rows (pairs 2j, 2j+1 per head) to Hugging Face's halves (j, j + D/2). */
    private static Checkpoint.Tensor permute(Checkpoint.Tensor w, int heads) {
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        int d = out / heads;
        float[] v = new float[w.data().length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < d / 2; j++) {
                for (int p = 0; p < 2; p++) {
                    System.arraycopy(w.data(), (h * d + 2 * j + p) * in, v, (h * d + p * d / 2 + j) * in, in);
                }
            }
        }
        return new Checkpoint.Tensor(w.shape(), v);
    }

    /** Decode-only llama2.c vocabulary (pieces; {@code <0xNN>} bytes; the space after BOS dropped). */
    private static Tokenizer pieces(Path file, int vocab) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.getInt();
        String[] piece = new String[vocab];
        for (int i = 0; i < vocab; i++) {
            b.getFloat();
            byte[] s = new byte[b.getInt()];
            b.get(s);
            piece[i] = new String(s, StandardCharsets.UTF_8);
        }
        return new Tokenizer() {
            @Override
            public int[] encode(String text) {
                throw new UnsupportedOperationException("decode-only test vocabulary");
            }

            @Override
            public String decode(int[] ids) {
                StringBuilder sb = new StringBuilder();
                for (int id : ids) {
                    if (id < 3) {
                        continue;
                    }
                    String p = piece[id];
                    if (p.matches("<0x[0-9A-F]{2}>")) {
                        sb.append((char) Integer.parseInt(p.substring(3, 5), 16));
                    } else {
                        sb.append(sb.length() == 0 && p.startsWith(" ") ? p.substring(1) : p);
                    }
                }
                return sb.toString();
            }

            @Override
            public int vocabSize() {
                return vocab;
            }

            @Override
            public int bos() {
                return 1;
            }

            @Override
            public int eos() {
                return 2;
            }
        };
    }
}
