package ai.curator.lm.tokenize;

import ai.curator.api.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2-style byte-level BPE in pure Java: encodes and decodes exactly as the Hugging Face {@code
 * tokenizers} library does with a {@code tokenizer.json} of a {@code BPE} model, a {@code ByteLevel}
 * pre-tokenizer (no prefix space, GPT-2's regex), no normalizer and a {@code ByteLevel} decoder — the
 * files {@link BpeTrainer} writes, and GPT-2's own.
 *
 * <p>Encoding: the text is split around the added tokens (leftmost, longest match first; each becomes
 * its id), the rest pre-tokenised by {@link ByteLevelPreTokenizer}, and each piece's bytes merged
 * lowest rank first (leftmost on ties) until no merge applies. Decoding skips special tokens and
 * turns the byte alphabet back into UTF-8 (malformed sequences become U+FFFD).
 *
 * <p>Thread-safe; encoded pieces are cached (up to 131,072, then the cache starts afresh).
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {

    private static final int CACHE_LIMIT = 1 << 17;
    private static final int LONG_PIECE = 48;

    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final Map<Long, long[]> merges; // (left, right) -> {rank, merged id}
    private final int[] byteIds = new int[256];
    private final List<String> added; // added tokens, matched before pre-tokenisation
    private final boolean[] special;
    private final int bos;
    private final int eos;
    private final int pad;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** The tokenizer of a trained vocabulary. */
    public ByteLevelBpeTokenizer(ByteLevelBpe bpe) {
        this(
                bpe.vocab().toArray(new String[0]),
                bpe.merges().stream()
                        .map(m -> new String[] {m.left(), m.right()})
                        .toList(),
                bpe.specialTokens(),
                bpe.specialTokens(),
                bpe.bosToken(),
                bpe.eosToken(),
                bpe.padToken(),
                "the trained vocabulary");
    }

    private ByteLevelBpeTokenizer(
            String[] tokens,
            List<String[]> mergeList,
            List<String> added,
            List<String> specials,
            String bosToken,
            String eosToken,
            String padToken,
            String source) {
        this.tokens = tokens;
        this.ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new DataException(
                        source + ": no token has id " + i + " (ids must run 0.." + (tokens.length - 1) + ")");
            }
            if (ids.put(tokens[i], i) != null) {
                throw new DataException(source + ": token '" + tokens[i] + "' has two ids");
            }
        }
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf(ByteLevelPreTokenizer.byteToChar(b)));
            if (id == null) {
                throw new DataException(source + ": the vocabulary lacks byte 0x" + Integer.toHexString(b) + " ('"
                        + ByteLevelPreTokenizer.byteToChar(b) + "'); not a byte-level BPE vocabulary");
            }
            byteIds[b] = id;
        }
        this.merges = new HashMap<>(mergeList.size() * 2);
        for (int r = 0; r < mergeList.size(); r++) {
            String[] m = mergeList.get(r);
            Integer left = ids.get(m[0]);
            Integer right = ids.get(m[1]);
            Integer merged = ids.get(m[0] + m[1]);
            if (left == null || right == null || merged == null) {
                throw new DataException(source + ": merge " + r + " ('" + m[0] + " " + m[1]
                        + "') names a token that is not in the vocabulary");
            }
            merges.putIfAbsent(key(left, right), new long[] {r, merged});
        }
        this.added = List.copyOf(added);
        this.special = new boolean[tokens.length];
        for (String s : specials) {
            special[ids.get(s)] = true;
        }
        this.bos = idOrMinus1(bosToken);
        this.eos = idOrMinus1(eosToken);
        this.pad = idOrMinus1(padToken);
    }

    private int idOrMinus1(String token) {
        Integer id = token == null ? null : ids.get(token);
        return id == null ? -1 : id;
    }

    /**
     * Loads a {@code tokenizer.json}, or the one in a directory. BOS, EOS and padding come from a
     * {@code tokenizer_config.json} beside it ({@code bos_token}, {@code eos_token}, {@code pad_token});
     * without one they are unknown (-1).
     *
     * @throws DataException when the file is missing, malformed, or not a byte-level BPE tokenizer
     */
    public static ByteLevelBpeTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(ByteLevelBpe.TOKENIZER_JSON) : path;
        if (!Files.isRegularFile(file)) {
            throw new DataException(
                    "No tokenizer at " + file + " (expected a tokenizer.json file or a directory with one)");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode root;
        try {
            root = json.readTree(file.toFile());
        } catch (IOException e) {
            throw new DataException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        String src = file.toString();
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText(null))) {
            throw new DataException(src + ": model.type must be BPE, got " + model.path("type"));
        }
        requireNull(root, "normalizer", src);
        JsonNode pre = root.path("pre_tokenizer");
        if (!"ByteLevel".equals(pre.path("type").asText(null))
                || pre.path("add_prefix_space").asBoolean(true)
                || !pre.path("use_regex").asBoolean(true)) {
            throw new DataException(src + ": pre_tokenizer must be ByteLevel with add_prefix_space false and"
                    + " use_regex true, got " + pre);
        }
        JsonNode decoder = root.path("decoder");
        if (!"ByteLevel".equals(decoder.path("type").asText(null))) {
            throw new DataException(src + ": decoder must be ByteLevel, got " + decoder);
        }
        requireNull(model, "dropout", src + " model");
        for (String affix : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (!model.path(affix).asText("").isEmpty()) { // GPT-2's own file has "" here
                requireNull(model, affix, src + " model");
            }
        }
        if (model.path("byte_fallback").asBoolean(false)
                || model.path("ignore_merges").asBoolean(false)) {
            throw new DataException(src + ": model.byte_fallback and model.ignore_merges must be false");
        }

        Map<Integer, String> byId = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            put(byId, e.getValue().asInt(-1), e.getKey(), src);
        }
        List<String> added = new ArrayList<>();
        List<String> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").asText();
            int id = t.path("id").asInt(-1);
            if (!content.equals(byId.get(id))) {
                put(byId, id, content, src);
            }
            if (t.path("normalized").asBoolean(false)
                    || t.path("lstrip").asBoolean(false)
                    || t.path("rstrip").asBoolean(false)
                    || t.path("single_word").asBoolean(false)) {
                throw new DataException(src + ": added token '" + content
                        + "' uses normalized/lstrip/rstrip/single_word, which this tokenizer does not support");
            }
            added.add(content);
            if (t.path("special").asBoolean(false)) {
                specials.add(content);
            }
        }
        String[] tokens = new String[byId.size()];
        for (Map.Entry<Integer, String> e : byId.entrySet()) {
            if (e.getKey() >= tokens.length) {
                throw new DataException(src + ": ids must run 0.." + (tokens.length - 1) + ", found " + e.getKey());
            }
            tokens[e.getKey()] = e.getValue();
        }
        List<String[]> mergeList = new ArrayList<>();
        int r = 0;
        for (JsonNode m : model.path("merges")) {
            if (m.isTextual()) {
                String[] parts = m.asText().split(" ", -1);
                if (parts.length != 2) {
                    throw new DataException(
                            src + ": merge " + r + " must be two tokens separated by one space, got " + m);
                }
                mergeList.add(parts);
            } else if (m.isArray() && m.size() == 2) {
                mergeList.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                throw new DataException(src + ": merge " + r + " must be \"a b\" or [\"a\", \"b\"], got " + m);
            }
            r++;
        }
        String bos = null;
        String eos = null;
        String pad = null;
        Path config = file.resolveSibling(ByteLevelBpe.TOKENIZER_CONFIG_JSON);
        if (Files.isRegularFile(config)) {
            try {
                JsonNode c = json.readTree(config.toFile());
                bos = tokenName(c.get("bos_token"));
                eos = tokenName(c.get("eos_token"));
                pad = tokenName(c.get("pad_token"));
            } catch (IOException e) {
                throw new DataException(config + " is not valid JSON: " + e.getMessage(), e);
            }
        }
        return new ByteLevelBpeTokenizer(tokens, mergeList, added, specials, bos, eos, pad, src);
    }

    private static void put(Map<Integer, String> byId, int id, String token, String src) {
        if (id < 0) {
            throw new DataException(src + ": token '" + token + "' has no valid id");
        }
        String old = byId.put(id, token);
        if (old != null && !old.equals(token)) {
            throw new DataException(src + ": id " + id + " is given to both '" + old + "' and '" + token + "'");
        }
    }

    private static void requireNull(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v != null && !v.isNull()) {
            throw new DataException(where + ": " + field + " must be null for a byte-level BPE tokenizer, got " + v);
        }
    }

    private static String tokenName(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? n.path("content").asText(null) : n.asText();
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        int from = 0;
        while (from < text.length()) {
            int at = -1;
            int len = 0;
            for (String s : added) {
                int i = text.indexOf(s, from);
                if (i >= 0 && (at < 0 || i < at || (i == at && s.length() > len))) {
                    at = i;
                    len = s.length();
                }
            }
            int end = at < 0 ? text.length() : at;
            if (end > from) {
                ByteLevelPreTokenizer.split(text.substring(from, end), piece -> out.addAll(encodePiece(piece)));
            }
            if (at < 0) {
                break;
            }
            out.add(ids.get(text.substring(at, at + len)));
            from = at + len;
        }
        return out.toArray();
    }

    /** The ids of one pre-tokenised piece: its bytes, merged lowest rank (then leftmost) first. */
    private int[] encodePiece(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] syms = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            syms[i] = byteIds[bytes[i] & 0xFF];
        }
        int n = syms.length > LONG_PIECE ? mergeLong(syms) : mergeShort(syms);
        int[] result = Arrays.copyOf(syms, n);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(piece, result);
        return result;
    }

    /** Merges in place by rescanning: quadratic, and the fastest for the short pieces of ordinary text. */
    private int mergeShort(int[] syms) {
        int n = syms.length;
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int at = -1;
            int merged = -1;
            for (int i = 0; i + 1 < n; i++) {
                long[] m = merges.get(key(syms[i], syms[i + 1]));
                if (m != null && m[0] < best) {
                    best = m[0];
                    at = i;
                    merged = (int) m[1];
                }
            }
            if (at < 0) {
                break;
            }
            syms[at] = merged;
            System.arraycopy(syms, at + 2, syms, at + 1, n - at - 2);
            n--;
        }
        return n;
    }

    /**
     * The same merges in n log n for long pieces (runs of spaces, digits or symbols): a heap of candidate
     * pairs ordered by (rank, position) over a linked list of symbols, as the Rust library does.
     */
    private int mergeLong(int[] syms) {
        int n = syms.length;
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<long[]> heap =
                new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (int i = 0; i + 1 < n; i++) {
            long[] m = merges.get(key(syms[i], syms[i + 1]));
            if (m != null) {
                heap.add(new long[] {m[0], i, syms[i], syms[i + 1]});
            }
        }
        while (!heap.isEmpty()) {
            long[] top = heap.poll();
            int i = (int) top[1];
            int j = next[i];
            // stale when either side has been merged since the entry was queued
            if (syms[i] != (int) top[2] || j < 0 || syms[j] != (int) top[3]) {
                continue;
            }
            syms[i] = (int) merges.get(key(syms[i], syms[j]))[1];
            syms[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
            }
            if (prev[i] >= 0) {
                long[] m = merges.get(key(syms[prev[i]], syms[i]));
                if (m != null) {
                    heap.add(new long[] {m[0], prev[i], syms[prev[i]], syms[i]});
                }
            }
            if (next[i] >= 0) {
                long[] m = merges.get(key(syms[i], syms[next[i]]));
                if (m != null) {
                    heap.add(new long[] {m[0], i, syms[i], syms[next[i]]});
                }
            }
        }
        int m = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            syms[m++] = syms[i];
        }
        return m;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (id < 0 || id >= tokens.length) {
                throw new IllegalArgumentException(
                        "token id " + id + " is outside the vocabulary [0, " + tokens.length + ")");
            }
            if (special[id]) {
                continue;
            }
            String t = tokens[id];
            for (int i = 0; i < t.length(); i++) {
                int b = ByteLevelPreTokenizer.charToByte(t.charAt(i));
                if (b >= 0) {
                    bytes.write(b);
                } else {
                    // an added, non-special token outside the byte alphabet stands for itself
                    int cp = t.codePointAt(i);
                    bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    i += Character.charCount(cp) - 1;
                }
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String tokenText(int id) {
        if (id < 0 || id >= tokens.length) {
            return null;
        }
        return special[id] || added.contains(tokens[id]) ? tokens[id] : decode(new int[] {id});
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    /** Padding id, or -1 when the vocabulary has none. */
    public int pad() {
        return pad;
    }

    /** The token string (in GPT-2's byte alphabet) of {@code id}. */
    public String token(int id) {
        return tokens[id];
    }

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    public int id(String token) {
        return idOrMinus1(token);
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[Math.max(capacity, 4)];
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            if (n + v.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
