package ai.curator.lm.io;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer.TokenType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Test-side writers for round trips: small random checkpoints, a minimal GGUF writer (llama.cpp's
 * layout, enough to exercise the reader's parsing) and a llama2.c writer. The real files of each
 * format are checked in {@link Stories260kIT}.
 */
final class TinyCheckpoints {
    private TinyCheckpoints() {}

    /** A llama of hidden 8, 2 layers, 4 heads, 2 KV heads, vocabulary 300 (259 specials and bytes + 41 pieces). */
    static ModelConfig llamaConfig(boolean tied, boolean bias) {
        return new ModelConfig(ModelConfig.Architecture.LLAMA, 300, 8, 12, 2, 4, 2, 64, 1e-5, 10000, tied, bias, 1, 2);
    }

    static ModelConfig gpt2Config() {
        return new ModelConfig(ModelConfig.Architecture.GPT2, 300, 8, 32, 2, 2, 2, 16, 1e-5, 10000, true, false, 1, 2);
    }

    /** Random weights for every tensor {@code c} needs. */
    static Checkpoint random(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : CheckpointLayout.expected(c).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.5);
            }
            t.put(e.getKey(), new Tensor(e.getValue(), v));
        }
        return new Checkpoint(c, t, tokenizer(), "{{ messages }}", "random seed " + seed);
    }

    /** A SentencePiece vocabulary of 300: unk, BOS, EOS, 256 byte tokens, then 41 pieces with scores. */
    static SentencePieceBpeTokenizer tokenizer() {
        List<String> p = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<TokenType> t = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));
        for (int b = 0; b < 256; b++) {
            p.add(String.format("<0x%02X>", b));
            t.add(TokenType.BYTE);
        }
        String[] pieces = {
            "▁", "e", "t", "a", "o", "n", "h", "s", "r", "d", "l", "i", "w", "c", "T", "O", "u", "m", "p", "y", ",",
            ".", "he", "▁t", "▁a", "▁the", "▁w", "on", "er", "▁T", "in", "an", "▁s", "ce", "▁on", "▁The", "re", "nd",
            "▁an", "▁and", "ha"
        };
        float[] scores = new float[300];
        for (int i = 0; i < pieces.length; i++) {
            p.add(pieces[i]);
            t.add(TokenType.NORMAL);
            scores[259 + i] = pieces[i].length() == 1 || pieces[i].equals("▁") ? -100 - i : -i;
        }
        return new SentencePieceBpeTokenizer(p, scores, t, 1, 2, 0);
    }

    // ---- GGUF ----

    /** A GGUF value: its GGUF type number and the Java value. */
    record Kv(int type, Object value) {}

    /** A tensor to write: GGUF name, shape outermost first, ggml type (0 F32, 1 F16, other: raw bytes). */
    record GgufTensor(String name, long[] shape, int type, float[] values, byte[] raw) {}

    /** Writes a GGUF v3 file. */
    static void writeGguf(Path file, Map<String, Kv> kvs, List<GgufTensor> tensors, int alignment) throws IOException {
        Out o = new Out();
        o.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        o.i32(3);
        o.i64(tensors.size());
        o.i64(kvs.size());
        for (Map.Entry<String, Kv> e : kvs.entrySet()) {
            o.str(e.getKey());
            o.i32(e.getValue().type());
            o.value(e.getValue().type(), e.getValue().value());
        }
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (GgufTensor t : tensors) {
            byte[] blob = t.raw() != null ? t.raw() : encode(t.type(), t.values());
            o.str(t.name());
            o.i32(t.shape().length);
            for (int i = t.shape().length - 1; i >= 0; i--) {
                o.i64(t.shape()[i]); // innermost first
            }
            o.i32(t.type());
            o.i64(offset);
            blobs.add(blob);
            offset += (blob.length + alignment - 1) / alignment * alignment;
        }
        while (o.size() % alignment != 0) {
            o.bytes(new byte[1]);
        }
        for (byte[] b : blobs) {
            o.bytes(b);
            while (o.size() % alignment != 0) {
                o.bytes(new byte[1]);
            }
        }
        Files.write(file, o.toByteArray());
    }

    private static byte[] encode(int type, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * (type == 0 ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            if (type == 0) {
                b.putFloat(x);
            } else {
                b.putShort(HalfFloats.floatToHalf(x));
            }
        }
        return b.array();
    }

    /** The llama GGUF of a checkpoint: llama.cpp names, q/k rows back in interleaved order, its vocabulary. */
    static void writeLlamaGguf(Path file, Checkpoint c, int tensorType, boolean writeOutputWhenTied)
            throws IOException {
        ModelConfig m = c.config();
        SentencePieceBpeTokenizer tok = (SentencePieceBpeTokenizer) c.tokenizer();
        Map<String, Kv> kv = new LinkedHashMap<>();
        kv.put("general.architecture", new Kv(8, "llama"));
        kv.put("general.alignment", new Kv(4, 64L));
        kv.put("llama.context_length", new Kv(4, (long) m.maxPositions()));
        kv.put("llama.embedding_length", new Kv(4, (long) m.hiddenSize()));
        kv.put("llama.feed_forward_length", new Kv(4, (long) m.intermediateSize()));
        kv.put("llama.block_count", new Kv(4, (long) m.numLayers()));
        kv.put("llama.attention.head_count", new Kv(4, (long) m.numHeads()));
        kv.put("llama.attention.head_count_kv", new Kv(4, (long) m.numKvHeads()));
        kv.put("llama.attention.layer_norm_rms_epsilon", new Kv(6, (float) m.normEps()));
        kv.put("llama.rope.freq_base", new Kv(6, (float) m.ropeTheta()));
        kv.put("tokenizer.ggml.model", new Kv(8, "llama"));
        List<Object> pieces = new ArrayList<>();
        List<Object> scores = new ArrayList<>();
        List<Object> types = new ArrayList<>();
        for (int i = 0; i < tok.vocabSize(); i++) {
            pieces.add(tok.piece(i).replace(' ', '▁'));
            scores.add(tok.score(i));
            types.add(tok.type(i).ordinal() + 1);
        }
        kv.put("tokenizer.ggml.tokens", new Kv(9, new Arr(8, pieces)));
        kv.put("tokenizer.ggml.scores", new Kv(9, new Arr(6, scores)));
        kv.put("tokenizer.ggml.token_type", new Kv(9, new Arr(5, types)));
        kv.put("tokenizer.ggml.bos_token_id", new Kv(4, (long) m.bosId()));
        kv.put("tokenizer.ggml.eos_token_id", new Kv(4, (long) m.eosId()));
        kv.put("tokenizer.ggml.unknown_token_id", new Kv(4, 0L));
        kv.put("tokenizer.ggml.padding_token_id", new Kv(4, 0xffffffffL));
        if (c.chatTemplate() != null) {
            kv.put("tokenizer.chat_template", new Kv(8, c.chatTemplate()));
        }
        List<GgufTensor> ts = new ArrayList<>();
        int hd = m.headDim();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            String name = ggufName(e.getKey());
            float[] v = e.getValue().data();
            if (e.getKey().endsWith("q_proj.weight")) {
                v = RotaryPermutation.halfToInterleaved(v, m.numHeads(), hd, m.hiddenSize());
            } else if (e.getKey().endsWith("k_proj.weight")) {
                v = RotaryPermutation.halfToInterleaved(v, m.numKvHeads(), hd, m.hiddenSize());
            }
            ts.add(new GgufTensor(
                    name, e.getValue().shape(), e.getValue().shape().length == 1 ? 0 : tensorType, v, null));
        }
        if (m.tieWordEmbeddings() && writeOutputWhenTied) {
            Tensor emb = c.tensor("model.embed_tokens.weight");
            ts.add(new GgufTensor("output.weight", emb.shape(), tensorType, emb.data(), null));
        }
        writeGguf(file, kv, ts, 64);
    }

    static String ggufName(String hf) {
        switch (hf) {
            case "model.embed_tokens.weight":
                return "token_embd.weight";
            case "model.norm.weight":
                return "output_norm.weight";
            case "lm_head.weight":
                return "output.weight";
            default:
                String[] parts = hf.split("\\.", 4); // model, layers, N, rest
                String rest = parts[3].replace("self_attn.q_proj", "attn_q")
                        .replace("self_attn.k_proj", "attn_k")
                        .replace("self_attn.v_proj", "attn_v")
                        .replace("self_attn.o_proj", "attn_output")
                        .replace("post_attention_layernorm", "ffn_norm")
                        .replace("input_layernorm", "attn_norm")
                        .replace("mlp.gate_proj", "ffn_gate")
                        .replace("mlp.up_proj", "ffn_up")
                        .replace("mlp.down_proj", "ffn_down");
                return "blk." + parts[2] + "." + rest;
        }
    }

    /** A GGUF array value. */
    record Arr(int elemType, List<Object> values) {}

    private static final class Out extends ByteArrayOutputStream {
        void bytes(byte[] b) {
            write(b, 0, b.length);
        }

        void i32(int v) {
            bytes(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(v)
                    .array());
        }

        void i64(long v) {
            bytes(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(v)
                    .array());
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void value(int type, Object v) {
            switch (type) {
                case 0, 1 -> bytes(new byte[] {((Number) v).byteValue()});
                case 2, 3 -> bytes(ByteBuffer.allocate(2)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putShort(((Number) v).shortValue())
                        .array());
                case 4, 5 -> i32(((Number) v).intValue());
                case 6 -> i32(Float.floatToIntBits(((Number) v).floatValue()));
                case 7 -> bytes(new byte[] {(byte) (((Boolean) v) ? 1 : 0)});
                case 8 -> str((String) v);
                case 9 -> {
                    Arr a = (Arr) v;
                    i32(a.elemType());
                    i64(a.values().size());
                    for (Object x : a.values()) {
                        value(a.elemType(), x);
                    }
                }
                case 10, 11 -> i64(((Number) v).longValue());
                case 12 -> i64(Double.doubleToLongBits(((Number) v).doubleValue()));
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
    }

    // ---- llama2.c ----

    /** Writes {@code c} as a llama2.c version-0 checkpoint and its tokenizer as llama2.c's tokenizer.bin. */
    static void writeLlama2c(Path bin, Path tokenizerBin, Checkpoint c) throws IOException {
        ModelConfig m = c.config();
        int hd = m.headDim();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(m.hiddenSize())
                .putInt(m.intermediateSize())
                .putInt(m.numLayers())
                .putInt(m.numHeads())
                .putInt(m.numKvHeads())
                .putInt(m.tieWordEmbeddings() ? m.vocabSize() : -m.vocabSize())
                .putInt(m.maxPositions());
        out.write(h.array());
        writeFloats(out, c.tensor("model.embed_tokens.weight").data());
        layers(out, c, "input_layernorm.weight", null, 0);
        layers(out, c, "self_attn.q_proj.weight", m, m.numHeads());
        layers(out, c, "self_attn.k_proj.weight", m, m.numKvHeads());
        layers(out, c, "self_attn.v_proj.weight", null, 0);
        layers(out, c, "self_attn.o_proj.weight", null, 0);
        layers(out, c, "post_attention_layernorm.weight", null, 0);
        layers(out, c, "mlp.gate_proj.weight", null, 0);
        layers(out, c, "mlp.down_proj.weight", null, 0);
        layers(out, c, "mlp.up_proj.weight", null, 0);
        writeFloats(out, c.tensor("model.norm.weight").data());
        float[] freqs = new float[m.maxPositions() * hd / 2];
        writeFloats(out, freqs);
        writeFloats(out, freqs);
        if (!m.tieWordEmbeddings()) {
            writeFloats(out, c.tensor("lm_head.weight").data());
        }
        Files.write(bin, out.toByteArray());
        SentencePieceBpeTokenizer tok = (SentencePieceBpeTokenizer) c.tokenizer();
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        t.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(16).array());
        for (int i = 0; i < tok.vocabSize(); i++) {
            byte[] s = tok.piece(i).getBytes(StandardCharsets.UTF_8);
            t.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(tok.score(i))
                    .putInt(s.length)
                    .array());
            t.write(s);
        }
        Files.write(tokenizerBin, t.toByteArray());
    }

    private static void layers(ByteArrayOutputStream out, Checkpoint c, String suffix, ModelConfig rotary, int heads)
            throws IOException {
        for (int l = 0; l < c.config().numLayers(); l++) {
            float[] v = c.tensor("model.layers." + l + "." + suffix).data();
            if (rotary != null) {
                v = RotaryPermutation.halfToInterleaved(v, heads, rotary.headDim(), rotary.hiddenSize());
            }
            writeFloats(out, v);
        }
    }

    private static void writeFloats(ByteArrayOutputStream out, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }
}
