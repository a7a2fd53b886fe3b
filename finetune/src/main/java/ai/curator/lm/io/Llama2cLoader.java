package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads a llama2.c checkpoint (Karpathy's {@code run.c} "version 0" format): seven little-endian
 * int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size — negative when the classifier
 * is not shared with the embedding — and seq_len), then fp32 weights in the order token_embedding,
 * rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3 (each for all layers), rms_final, the unused
 * freq_cis_real and freq_cis_imag tables (seq_len·head_size/2 each), and wcls when not shared.
 * w1 is the gate, w3 the up and w2 the down projection; q and k rows are permuted from llama2.c's
 * interleaved rotary order to Hugging Face's (see {@link RotaryPermutation}). llama2.c fixes rope θ
 * 10000, RMSNorm ε 1e-5, BOS 1 and EOS 2.
 */
public final class Llama2cLoader {
    /** The magic of llama2.c's newer export formats (versions 1 and 2), "ak42". */
    private static final int MAGIC_V1 = 0x616b3432;

    private Llama2cLoader() {}

    /**
     * Loads {@code checkpoint} with the tokenizer {@code tokenizer}, or, when null, {@code
     * tokenizer.bin} or the one {@code tok*.bin} beside the checkpoint.
     */
    public static Checkpoint load(Path checkpoint, Path tokenizer) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ModelConfig config;
        try (FileChannel ch = FileChannel.open(checkpoint, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 28) {
                throw new DataException(checkpoint + ": " + size + " bytes, too short for a llama2.c header (28)");
            }
            IntBuffer head = ch.map(FileChannel.MapMode.READ_ONLY, 0, 28)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asIntBuffer();
            int[] h = new int[7];
            head.get(h);
            if (h[0] == MAGIC_V1) {
                throw new DataException(checkpoint + ": a llama2.c export of version " + h[1]
                        + " (magic 'ak42'); only the legacy version 0 format (export.py --version 0) is supported");
            }
            int dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], seqLen = h[6];
            boolean shared = h[5] > 0;
            int vocab = Math.abs(h[5]);
            if (dim < 1
                    || hidden < 1
                    || layers < 1
                    || heads < 1
                    || kvHeads < 1
                    || vocab < 1
                    || seqLen < 1
                    || dim % heads != 0
                    || heads % kvHeads != 0
                    || (dim / heads) % 2 != 0) {
                throw new DataException(checkpoint + ": not a llama2.c checkpoint (header dim=" + dim + " hidden="
                        + hidden + " layers=" + layers + " heads=" + heads + " kv_heads=" + kvHeads + " vocab=" + h[5]
                        + " seq_len=" + seqLen + ")");
            }
            int headDim = dim / heads;
            long kvDim = (long) kvHeads * headDim;
            long floats = (long) vocab * dim
                    + layers * (2L * dim + (long) dim * dim * 2 + 2 * kvDim * dim + 3L * hidden * dim)
                    + dim
                    + (long) seqLen * headDim
                    + (shared ? 0 : (long) vocab * dim);
            if (size != 28 + 4 * floats) {
                throw new DataException(checkpoint + ": the header (dim=" + dim + ", hidden=" + hidden + ", layers="
                        + layers + ", heads=" + heads + ", kv_heads=" + kvHeads + ", vocab=" + h[5] + ", seq_len="
                        + seqLen + ") needs " + (28 + 4 * floats) + " bytes, the file has " + size
                        + (size < 28 + 4 * floats ? " (truncated)" : ""));
            }
            config = new ModelConfig(
                    ModelConfig.Architecture.LLAMA,
                    vocab,
                    dim,
                    hidden,
                    layers,
                    heads,
                    kvHeads,
                    seqLen,
                    1e-5,
                    10000.0,
                    shared,
                    false,
                    1,
                    2);
            Reader r = new Reader(ch);
            tensors.put("model.embed_tokens.weight", r.take(vocab, dim));
            perLayer(tensors, r, layers, "input_layernorm.weight", dim);
            List<Tensor> wq = r.layers(layers, dim, dim);
            List<Tensor> wk = r.layers(layers, kvDim, dim);
            List<Tensor> wv = r.layers(layers, kvDim, dim);
            List<Tensor> wo = r.layers(layers, dim, dim);
            for (int l = 0; l < layers; l++) {
                String p = "model.layers." + l + ".self_attn.";
                tensors.put(p + "q_proj.weight", permuted(wq.get(l), heads, headDim, dim));
                tensors.put(p + "k_proj.weight", permuted(wk.get(l), kvHeads, headDim, dim));
                tensors.put(p + "v_proj.weight", wv.get(l));
                tensors.put(p + "o_proj.weight", wo.get(l));
            }
            perLayer(tensors, r, layers, "post_attention_layernorm.weight", dim);
            List<Tensor> w1 = r.layers(layers, hidden, dim);
            List<Tensor> w2 = r.layers(layers, dim, hidden);
            List<Tensor> w3 = r.layers(layers, hidden, dim);
            for (int l = 0; l < layers; l++) {
                String p = "model.layers." + l + ".mlp.";
                tensors.put(p + "gate_proj.weight", w1.get(l));
                tensors.put(p + "down_proj.weight", w2.get(l));
                tensors.put(p + "up_proj.weight", w3.get(l));
            }
            tensors.put("model.norm.weight", r.take(dim));
            r.skip((long) seqLen * headDim); // freq_cis_real and freq_cis_imag, recomputed by the model
            if (!shared) {
                tensors.put("lm_head.weight", r.take(vocab, dim));
            }
        } catch (NoSuchFileException e) {
            throw new DataException(checkpoint + ": no such file");
        }
        CheckpointLayout.check(checkpoint.toString(), config, tensors);
        Path tok = tokenizer != null ? tokenizer : findTokenizer(checkpoint, config.vocabSize());
        SentencePieceBpeTokenizer t = SentencePieceBpeTokenizer.readLlama2c(tok, config.vocabSize());
        return new Checkpoint(config, tensors, t, null, checkpoint.toString());
    }

    /** {@code tokenizer.bin}, {@code tok<vocab>.bin} or the only {@code tok*.bin} beside {@code checkpoint}. */
    static Path findTokenizer(Path checkpoint, int vocab) throws IOException {
        Path dir = checkpoint.toAbsolutePath().getParent();
        for (String name : new String[] {"tokenizer.bin", "tok" + vocab + ".bin"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("tok.*\\.bin") && !p.equals(checkpoint.toAbsolutePath()))
                    .sorted()
                    .forEach(found::add);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        throw new DataException(checkpoint + ": "
                + (found.isEmpty()
                        ? "no llama2.c tokenizer beside it (tokenizer.bin or tok" + vocab + ".bin)"
                        : "several tokenizers beside it " + found)
                + "; name the tokenizer file explicitly");
    }

    private static void perLayer(Map<String, Tensor> tensors, Reader r, int layers, String suffix, int dim)
            throws IOException {
        for (int l = 0; l < layers; l++) {
            tensors.put("model.layers." + l + "." + suffix, r.take(dim));
        }
    }

    private static Tensor permuted(Tensor t, int heads, int headDim, int cols) {
        return new Tensor(t.shape(), RotaryPermutation.interleavedToHalf(t.data(), heads, headDim, cols));
    }

    /** Sequential fp32 reads from the mapped file. */
    private static final class Reader {
        private final FileChannel ch;
        private long pos = 28;

        Reader(FileChannel ch) {
            this.ch = ch;
        }

        Tensor take(long... shape) throws IOException {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] v = new float[Math.toIntExact(n)];
            FloatBuffer fb = ch.map(FileChannel.MapMode.READ_ONLY, pos, 4 * n)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            fb.get(v);
            pos += 4 * n;
            return new Tensor(shape, v);
        }

        List<Tensor> layers(int layers, long rows, long cols) throws IOException {
            List<Tensor> out = new ArrayList<>(layers);
            for (int l = 0; l < layers; l++) {
                out.add(take(rows, cols));
            }
            return out;
        }

        void skip(long floats) {
            pos += 4 * floats;
        }
    }
}
