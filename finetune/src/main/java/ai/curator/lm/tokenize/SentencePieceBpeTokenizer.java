package ai.curator.lm.tokenize;

import ai.curator.api.DataException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece's BPE with byte fallback, as llama2.c's {@code run.c} encodes (Karpathy,
 * llama2.c, {@code encode}) and as Llama's SentencePiece models do: the text gets a leading space
 * (the "dummy prefix"), each UTF-8 character becomes its piece (or, when the vocabulary has no such
 * piece, one {@code <0xNN>} byte token per byte), then the adjacent pair whose concatenation is the
 * vocabulary piece with the highest score is merged, the leftmost on ties, until no pair merges.
 * Pieces hold spaces where SentencePiece writes {@code ▁} (U+2581); control, unknown and byte
 * tokens never match text.
 *
 * <p>Decoding writes the pieces' text, turns {@code <0xNN>} tokens into raw bytes (so characters
 * split over byte tokens come back whole), skips control tokens (BOS, EOS) and drops the leading
 * space of the first piece, which the dummy prefix put there.
 */
public final class SentencePieceBpeTokenizer implements Tokenizer {
    /** Token types, numbered as GGUF's {@code tokenizer.ggml.token_type} (SentencePiece's piece types + 1). */
    public enum TokenType {
        NORMAL,
        UNKNOWN,
        CONTROL,
        USER_DEFINED,
        UNUSED,
        BYTE;

        /** The type of GGUF's number (1 = normal ... 6 = byte). */
        public static TokenType ofGguf(int code) {
            if (code < 1 || code > 6) {
                throw new IllegalArgumentException("token type " + code + " is not one of GGUF's 1..6");
            }
            return values()[code - 1];
        }
    }

    private final String[] pieces;
    private final float[] scores;
    private final TokenType[] types;
    private final int bos;
    private final int eos;
    private final int unk;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[] byteIds = new int[256];

    /**
     * A tokenizer over a vocabulary.
     *
     * @param pieces each token's text, spaces as ' ' (a {@code ▁} is turned into a space here)
     * @param scores merge priority of each piece (higher merges first)
     * @param types each token's type
     * @param bos beginning-of-sequence id, or -1
     * @param eos end-of-sequence id, or -1
     * @param unk unknown-token id for bytes without a byte token, or -1
     */
    public SentencePieceBpeTokenizer(
            List<String> pieces, float[] scores, List<TokenType> types, int bos, int eos, int unk) {
        int n = pieces.size();
        if (n == 0 || scores.length != n || types.size() != n) {
            throw new IllegalArgumentException("vocabulary of " + n + " pieces with " + scores.length + " scores and "
                    + types.size() + " types: the three must have the same non-zero length");
        }
        for (int id : new int[] {bos, eos, unk}) {
            if (id < -1 || id >= n) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of " + n);
            }
        }
        this.pieces = new String[n];
        this.scores = scores.clone();
        this.types = types.toArray(new TokenType[0]);
        this.bos = bos;
        this.eos = eos;
        this.unk = unk;
        Arrays.fill(byteIds, -1);
        for (int i = 0; i < n; i++) {
            String p = pieces.get(i).replace('\u2581', ' ');
            this.pieces[i] = p;
            int b = byteValue(p);
            if (this.types[i] == TokenType.BYTE) {
                if (b < 0) {
                    throw new IllegalArgumentException("byte token " + i + " is '" + p + "', not <0xNN>");
                }
                byteIds[b] = i;
            } else if (this.types[i] == TokenType.NORMAL || this.types[i] == TokenType.USER_DEFINED) {
                ids.putIfAbsent(p, i);
            }
        }
    }

    /**
     * Reads llama2.c's tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}): an int32 maximum
     * token length, then per token a float32 score, an int32 byte length and the UTF-8 bytes, all
     * little-endian. llama2.c's conventions: id 0 unknown, 1 BOS, 2 EOS, {@code <0xNN>} pieces are
     * byte tokens.
     *
     * @param vocabSize tokens to read (the checkpoint's vocabulary size)
     */
    public static SentencePieceBpeTokenizer readLlama2c(Path file, int vocabSize) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such tokenizer file");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        List<String> pieces = new ArrayList<>(vocabSize);
        float[] scores = new float[vocabSize];
        List<TokenType> types = new ArrayList<>(vocabSize);
        try {
            b.getInt(); // max token length, only a buffer size for run.c
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = b.getFloat();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new DataException(file + ": token " + i + " has length " + len + " but " + b.remaining()
                            + " bytes are left (not a llama2.c tokenizer, or truncated)");
                }
                byte[] s = new byte[len];
                b.get(s);
                String p = new String(s, StandardCharsets.UTF_8);
                // llama2.c's export writes BOS and EOS as "\n<s>\n" and "\n</s>\n"; SentencePiece's names are the bare
                // ones
                pieces.add(i == 1 || i == 2 ? p.strip() : p);
                types.add(
                        i == 0
                                ? TokenType.UNKNOWN
                                : i <= 2 ? TokenType.CONTROL : byteValue(p) >= 0 ? TokenType.BYTE : TokenType.NORMAL);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new DataException(file + ": ends before its " + vocabSize + " tokens (read " + pieces.size()
                    + "; truncated, or the checkpoint's vocabulary size does not match this tokenizer)");
        }
        if (b.hasRemaining()) {
            throw new DataException(file + ": " + b.remaining() + " bytes left after " + vocabSize
                    + " tokens: the tokenizer does not match the checkpoint's vocabulary size");
        }
        return new SentencePieceBpeTokenizer(pieces, scores, types, 1, 2, 0);
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        // Symbols as a linked list over positions; merging keeps the left position, so the
        // leftmost-on-ties rule is "smallest position first".
        List<Integer> sym = new ArrayList<>();
        String s = " " + text;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += Character.charCount(cp);
            Integer id = ids.get(ch);
            if (id != null) {
                sym.add(id);
            } else {
                for (byte x : ch.getBytes(StandardCharsets.UTF_8)) {
                    int bid = byteIds[x & 0xff];
                    if (bid < 0 && unk < 0) {
                        throw new IllegalArgumentException("the vocabulary has neither the character U+"
                                + Integer.toHexString(cp) + " nor its byte tokens nor an unknown token");
                    }
                    sym.add(bid >= 0 ? bid : unk);
                }
            }
        }
        int n = sym.size();
        int[] tok = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        int[] version = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = sym.get(i);
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // candidate: {score bits, left position, merged id, left version, right position, right version}
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, c) -> {
            int byScore = Float.compare(Float.intBitsToFloat((int) c[0]), Float.intBitsToFloat((int) a[0]));
            return byScore != 0 ? byScore : Long.compare(a[1], c[1]);
        });
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, tok, version, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] c = queue.poll();
            int l = (int) c[1];
            int r = (int) c[4];
            if (version[l] != c[3] || version[r] != c[5] || next[l] != r) {
                continue; // stale: one side was merged since
            }
            tok[l] = (int) c[2];
            version[l]++;
            version[r] = -1; // r is gone
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(queue, tok, version, prev[l], l);
            }
            if (next[l] >= 0) {
                offer(queue, tok, version, l, next[l]);
            }
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[k++] = tok[i];
        }
        return Arrays.copyOf(out, k);
    }

    private void offer(PriorityQueue<long[]> queue, int[] tok, int[] version, int l, int r) {
        if (types[tok[l]] == TokenType.BYTE || types[tok[r]] == TokenType.BYTE) {
            return;
        }
        Integer merged = ids.get(pieces[tok[l]] + pieces[tok[r]]);
        if (merged != null) {
            queue.add(new long[] {Float.floatToIntBits(scores[merged]), l, merged, version[l], r, version[r]});
        }
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean atStart = true;
        for (int id : ids) {
            if (id < 0 || id >= pieces.length) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + pieces.length);
            }
            switch (types[id]) {
                case CONTROL, UNUSED -> {
                    atStart = id == bos || atStart;
                    continue;
                }
                case BYTE -> out.write(byteValue(pieces[id]));
                case UNKNOWN -> out.writeBytes(" \u2047 ".getBytes(StandardCharsets.UTF_8));
                default -> {
                    String p = pieces[id];
                    if (atStart && p.startsWith(" ")) {
                        p = p.substring(1);
                    }
                    out.writeBytes(p.getBytes(StandardCharsets.UTF_8));
                }
            }
            atStart = false;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    /** Unknown-token id, or -1. */
    public int unk() {
        return unk;
    }

    @Override
    public String tokenText(int id) {
        return id < 0 || id >= pieces.length ? null : pieces[id];
    }

    /** The text of token {@code id}, spaces as ' '. */
    public String piece(int id) {
        return pieces[id];
    }

    /** The merge score of token {@code id}. */
    public float score(int id) {
        return scores[id];
    }

    /** The type of token {@code id}. */
    public TokenType type(int id) {
        return types[id];
    }

    /**
     * This vocabulary as a Hugging Face {@code tokenizer.json} that encodes and decodes the same way,
     * in the form {@code transformers}' {@code LlamaConverter} writes: a BPE model with byte
     * fallback whose merges are every split of every piece into two pieces, ordered by the merged
     * piece's score (highest first); a normalizer that prepends {@code ▁} and writes spaces as
     * {@code ▁}; control and unknown tokens as special added tokens.
     */
    public String toHfTokenizerJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < pieces.length; i++) {
            if (types[i] == TokenType.CONTROL || types[i] == TokenType.UNKNOWN) {
                added.addObject()
                        .put("id", i)
                        .put("content", pieces[i])
                        .put("single_word", false)
                        .put("lstrip", false)
                        .put("rstrip", false)
                        .put("normalized", false)
                        .put("special", true);
            }
        }
        ArrayNode norms = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", "\u2581");
        norms.addObject()
                .put("type", "Replace")
                .put("content", "\u2581")
                .putObject("pattern")
                .put("String", " ");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        ArrayNode decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
        decoders.addObject()
                .put("type", "Replace")
                .put("content", " ")
                .putObject("pattern")
                .put("String", "\u2581");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject()
                .put("type", "Strip")
                .put("content", " ")
                .put("start", 1)
                .put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        if (unk >= 0) {
            model.put("unk_token", pieces[unk]);
        } else {
            model.putNull("unk_token");
        }
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        Map<String, Integer> byText = new HashMap<>();
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i].replace(' ', '\u2581');
            if (!vocab.has(p)) {
                vocab.put(p, i);
                byText.put(p, i);
            }
        }
        // transformers' SentencePieceExtractor: for each piece, every split into two pieces (ordered by
        // their ids), all sorted by the merged piece's score, highest first (a stable sort).
        List<int[]> merges = new ArrayList<>();
        for (int i = 0; i < pieces.length; i++) {
            if (types[i] != TokenType.NORMAL && types[i] != TokenType.USER_DEFINED) {
                continue;
            }
            String p = pieces[i].replace(' ', '\u2581');
            List<int[]> local = new ArrayList<>();
            for (int k = p.offsetByCodePoints(0, 1); k < p.length(); k = p.offsetByCodePoints(k, 1)) {
                Integer l = byText.get(p.substring(0, k));
                Integer r = byText.get(p.substring(k));
                if (l != null && r != null) {
                    local.add(new int[] {l, r, i});
                }
            }
            local.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
            merges.addAll(local);
        }
        merges.sort((a, b) -> Float.compare(scores[b[2]], scores[a[2]]));
        ArrayNode m = model.putArray("merges");
        for (int[] x : merges) {
            m.add(pieces[x[0]].replace(' ', '\u2581') + " " + pieces[x[1]].replace(' ', '\u2581'));
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The byte of a {@code <0xNN>} piece, or -1 when the piece is not one. */
    static int byteValue(String p) {
        if (p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
            try {
                return Integer.parseInt(p.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
