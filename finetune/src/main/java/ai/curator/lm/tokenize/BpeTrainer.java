package ai.curator.lm.tokenize;

import ai.curator.api.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Trains a GPT-2-style byte-level BPE vocabulary (Sennrich et al. 2016, "Neural Machine Translation of
 * Rare Words with Subword Units"; byte-level form: Radford et al. 2019, GPT-2) on text.
 *
 * <p>Each document is split on the special tokens, pre-tokenised with GPT-2's regular expression
 * ({@link ByteLevelPreTokenizer}) and the pieces counted; words never straddle two pieces. The vocabulary
 * starts with the special tokens (ids 0..S-1) and the 256 bytes (ids S..S+255, in byte order), then
 * adds one token per merge: the adjacent pair with the highest count over the word table, ties going to
 * the lexicographically smallest pair (left token, then right token, compared as strings of GPT-2's
 * byte alphabet). Pairs below {@code min_frequency} are never merged. Counts are kept per pair with the
 * words where it occurs and updated incrementally after each merge (a lazy max-heap whose stale entries
 * are re-queued on pop), so a merge costs the words it touches, not a rescan.
 *
 * <p>Same documents and options give the same merges, and {@link ByteLevelBpe#save} writes the same bytes.
 */
public final class BpeTrainer {

    /** The special token of GPT-2: beginning and end of text, also used for padding by default. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    /**
     * Training options.
     *
     * @param vocabSize tokens in the vocabulary, specials and the 256 bytes included; at least
     *     {@code 256 + specialTokens.size()}; default 4096. Training stops earlier when no pair reaches
     *     {@code minFrequency}.
     * @param minFrequency fewest occurrences of a pair for it to be merged, >= 1; default 2
     * @param specialTokens special tokens, given ids 0.. in this order and never split; non-empty,
     *     distinct; default {@code ["<|endoftext|>"]}
     * @param bosToken the beginning-of-sequence token, one of {@code specialTokens}, or {@code ""} for
     *     none; default {@code <|endoftext|>} when it is a special token, else none
     * @param eosToken the end-of-sequence token, one of {@code specialTokens}; default {@code
     *     <|endoftext|>}, which must then be a special token
     * @param padToken the padding token, one of {@code specialTokens}, or {@code ""} for none; default
     *     {@code <|endoftext|>} when it is a special token, else none
     * @param maxInputBytes reading stops after the document that reaches this many UTF-8 bytes, >= 1;
     *     default unlimited
     * @param modelMaxLength the longest sequence the model takes, written as {@code model_max_length} in
     *     {@code tokenizer_config.json}, >= 1; default 2048
     */
    public record Options(
            Integer vocabSize,
            Integer minFrequency,
            List<String> specialTokens,
            String bosToken,
            String eosToken,
            String padToken,
            Long maxInputBytes,
            Integer modelMaxLength) {

        public Options {
            if (vocabSize == null) {
                vocabSize = 4096;
            }
            if (minFrequency == null) {
                minFrequency = 2;
            }
            if (specialTokens == null) {
                specialTokens = List.of(END_OF_TEXT);
            }
            String byDefault = specialTokens.contains(END_OF_TEXT) ? END_OF_TEXT : null;
            bosToken = bosToken == null ? byDefault : bosToken.isEmpty() ? null : bosToken;
            eosToken = eosToken == null ? byDefault : eosToken;
            padToken = padToken == null ? byDefault : padToken.isEmpty() ? null : padToken;
            if (maxInputBytes == null) {
                maxInputBytes = Long.MAX_VALUE;
            }
            if (modelMaxLength == null) {
                modelMaxLength = 2048;
            }
            if (specialTokens.isEmpty()) {
                throw new IllegalArgumentException(
                        "bpe.special_tokens must hold at least the end-of-sequence token, got []");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String t : specialTokens) {
                if (t == null || t.isEmpty()) {
                    throw new IllegalArgumentException(
                            "bpe.special_tokens must be non-empty strings, got " + specialTokens);
                }
                if (!seen.add(t)) {
                    throw new IllegalArgumentException(
                            "bpe.special_tokens must be distinct, got '" + t + "' twice in " + specialTokens);
                }
            }
            specialTokens = List.copyOf(specialTokens);
            if (vocabSize < 256 + specialTokens.size()) {
                throw new IllegalArgumentException("bpe.vocab_size must be >= 256 + " + specialTokens.size()
                        + " special tokens = " + (256 + specialTokens.size()) + ", got " + vocabSize);
            }
            if (minFrequency < 1) {
                throw new IllegalArgumentException("bpe.min_frequency must be >= 1, got " + minFrequency);
            }
            if (eosToken == null) {
                throw new IllegalArgumentException(
                        "bpe.eos_token must be set when bpe.special_tokens lacks " + END_OF_TEXT + ", got null");
            }
            checkSpecial("bpe.eos_token", eosToken, specialTokens);
            checkSpecial("bpe.bos_token", bosToken, specialTokens);
            checkSpecial("bpe.pad_token", padToken, specialTokens);
            if (maxInputBytes < 1) {
                throw new IllegalArgumentException("bpe.max_input_bytes must be >= 1, got " + maxInputBytes);
            }
            if (modelMaxLength < 1) {
                throw new IllegalArgumentException("bpe.model_max_length must be >= 1, got " + modelMaxLength);
            }
        }

        /** The defaults: vocabulary 4096, min frequency 2, {@code <|endoftext|>} as BOS, EOS and padding. */
        public static Options defaults() {
            return withVocabSize(4096);
        }

        /** The defaults with another vocabulary size. */
        public static Options withVocabSize(int vocabSize) {
            return new Options(vocabSize, null, null, null, null, null, null, null);
        }

        private static void checkSpecial(String name, String token, List<String> specials) {
            if (token != null && !specials.contains(token)) {
                throw new IllegalArgumentException(
                        name + " must be one of bpe.special_tokens " + specials + ", got '" + token + "'");
            }
        }
    }

    /** Hears how training goes; every method has a no-op default. */
    public interface Listener {
        /** After each document read: documents and UTF-8 bytes so far. */
        default void read(long documents, long bytes) {}

        /** After the word table is built: distinct words and pairs. */
        default void counted(int words, int pairs) {}

        /** After each merge: merges done and the most the vocabulary size allows. */
        default void merged(int merges, int maxMerges) {}
    }

    private static final Listener SILENT = new Listener() {};

    private BpeTrainer() {}

    /** Trains on the documents of {@code files} (see {@link #documents}), silently. */
    public static ByteLevelBpe train(List<Path> files, Options options) {
        return train(documents(files), options, SILENT);
    }

    /** Trains on the documents of {@code files} (see {@link #documents}). */
    public static ByteLevelBpe train(List<Path> files, Options options, Listener listener) {
        return train(documents(files), options, listener);
    }

    /** Trains on {@code documents}, silently. */
    public static ByteLevelBpe train(Iterator<String> documents, Options options) {
        return train(documents, options, SILENT);
    }

    /**
     * Trains on {@code documents}, read once, in order.
     *
     * @param documents texts; each is pre-tokenised on its own (a piece never spans two)
     * @param options the options
     * @param listener hears the progress
     * @return the vocabulary and merges
     */
    public static ByteLevelBpe train(Iterator<String> documents, Options options, Listener listener) {
        Map<String, long[]> wordCounts = countWords(documents, options, listener);
        return merge(wordCounts, options, listener);
    }

    /**
     * The documents of text files, one file after another: blocks of lines separated by blank lines
     * (the line breaks inside a block are kept, as {@code \n}). Files ending in {@code .gz} are
     * gunzipped. Text must be UTF-8; a file that is not fails with a {@link DataException} naming it
     * and the line. Files are opened lazily, one at a time.
     */
    public static Iterator<String> documents(List<Path> files) {
        List<Path> list = List.copyOf(files);
        return new Iterator<>() {
            private int file = -1;
            private LineReader reader;
            private String next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = advance();
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String d = next;
                next = null;
                return d;
            }

            private String advance() {
                StringBuilder doc = new StringBuilder();
                while (true) {
                    if (reader == null) {
                        if (++file >= list.size()) {
                            return null;
                        }
                        reader = new LineReader(list.get(file));
                    }
                    String s = reader.readLine();
                    if (s == null) {
                        reader.close();
                        reader = null;
                        if (doc.length() > 0) {
                            return doc.toString();
                        }
                        continue;
                    }
                    if (s.isEmpty()) {
                        if (doc.length() > 0) {
                            return doc.toString();
                        }
                    } else {
                        if (doc.length() > 0) {
                            doc.append('\n');
                        }
                        doc.append(s);
                    }
                }
            }
        };
    }

    /** Lines of a (possibly gzipped) UTF-8 file, decoded one by one so that an error names its line. */
    private static final class LineReader {
        private final Path file;
        private final InputStream in;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private byte[] line = new byte[256];
        private long number;

        LineReader(Path file) {
            this.file = file;
            if (!Files.isRegularFile(file)) {
                throw new DataException("Training text " + file + " is not a readable file");
            }
            try {
                InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                this.in = file.getFileName().toString().endsWith(".gz")
                        ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                        : raw;
            } catch (IOException e) {
                throw new DataException("Cannot read training text " + file + ": " + e.getMessage(), e);
            }
        }

        /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end. */
        String readLine() {
            int n = 0;
            int b;
            try {
                while ((b = in.read()) >= 0 && b != '\n') {
                    if (n == line.length) {
                        line = Arrays.copyOf(line, n * 2);
                    }
                    line[n++] = (byte) b;
                }
            } catch (IOException e) {
                throw new DataException(
                        "Cannot read training text " + file + " after line " + number + ": " + e.getMessage(), e);
            }
            if (b < 0 && n == 0) {
                return null;
            }
            number++;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            try {
                return decoder.decode(ByteBuffer.wrap(line, 0, n)).toString();
            } catch (CharacterCodingException e) {
                throw new DataException(file + " line " + number + " is not valid UTF-8");
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing " + file, e);
            }
        }
    }

    /** Piece (raw text) → occurrences, over the documents up to the byte limit. */
    private static Map<String, long[]> countWords(Iterator<String> documents, Options options, Listener listener) {
        Map<String, long[]> counts = new HashMap<>(1 << 16);
        List<String> specials = options.specialTokens();
        long docs = 0;
        long bytes = 0;
        long[] docBytes = new long[1];
        ByteLevelPreTokenizer.PieceSink sink = piece -> {
            counts.computeIfAbsent(piece, k -> new long[1])[0]++;
            docBytes[0] += utf8Length(piece);
        };
        while (bytes < options.maxInputBytes() && documents.hasNext()) {
            String doc = documents.next();
            docBytes[0] = 0;
            for (String segment : splitOnSpecials(doc, specials)) {
                ByteLevelPreTokenizer.split(segment, sink);
            }
            docs++;
            bytes += docBytes[0];
            listener.read(docs, bytes);
        }
        return counts;
    }

    /** The parts of {@code text} between occurrences of the special tokens (leftmost, longest first). */
    static List<String> splitOnSpecials(String text, List<String> specials) {
        List<String> parts = new ArrayList<>(1);
        int from = 0;
        while (true) {
            int at = -1;
            int len = 0;
            for (String s : specials) {
                int i = text.indexOf(s, from);
                if (i >= 0 && (at < 0 || i < at || (i == at && s.length() > len))) {
                    at = i;
                    len = s.length();
                }
            }
            if (at < 0) {
                if (from < text.length()) {
                    parts.add(text.substring(from));
                }
                return parts;
            }
            if (at > from) {
                parts.add(text.substring(from, at));
            }
            from = at + len;
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** One adjacent pair of tokens: its total count and the words it occurs in (may hold stale entries). */
    private static final class Pair {
        final int left;
        final int right;
        long count;
        int[] where = new int[4];
        int size;

        Pair(int left, int right) {
            this.left = left;
            this.right = right;
        }

        void addWhere(int word) {
            if (size > 0 && where[size - 1] == word) {
                return;
            }
            if (size == where.length) {
                where = Arrays.copyOf(where, size * 2);
            }
            where[size++] = word;
        }
    }

    /** A heap entry: the pair's count when queued. */
    private record Entry(long count, int left, int right) {}

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static ByteLevelBpe merge(Map<String, long[]> wordCounts, Options options, Listener listener) {
        List<String> tokens = new ArrayList<>(options.vocabSize());
        tokens.addAll(options.specialTokens());
        int byteBase = tokens.size();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelPreTokenizer.byteToChar(b)));
        }

        // The word table, sorted so that everything downstream is independent of hash order.
        String[] pieces = wordCounts.keySet().toArray(new String[0]);
        Arrays.sort(pieces);
        int[][] words = new int[pieces.length][];
        long[] counts = new long[pieces.length];
        for (int w = 0; w < pieces.length; w++) {
            byte[] bytes = pieces[w].getBytes(StandardCharsets.UTF_8);
            int[] syms = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                syms[i] = byteBase + (bytes[i] & 0xFF);
            }
            words[w] = syms;
            counts[w] = wordCounts.get(pieces[w])[0];
        }
        wordCounts.clear();

        Map<Long, Pair> pairs = new HashMap<>(1 << 16);
        for (int w = 0; w < words.length; w++) {
            int[] s = words[w];
            for (int i = 0; i + 1 < s.length; i++) {
                Pair p = pairs.computeIfAbsent(key(s[i], s[i + 1]), k -> new Pair((int) (k >>> 32), (int) (long) k));
                p.count += counts[w];
                p.addWhere(w);
            }
        }
        listener.counted(words.length, pairs.size());

        PriorityQueue<Entry> heap = new PriorityQueue<>((x, y) -> {
            if (x.count != y.count) {
                return Long.compare(y.count, x.count);
            }
            int c = tokens.get(x.left).compareTo(tokens.get(y.left));
            return c != 0 ? c : tokens.get(x.right).compareTo(tokens.get(y.right));
        });
        int minFrequency = options.minFrequency();
        for (Pair p : pairs.values()) {
            if (p.count >= minFrequency) {
                heap.add(new Entry(p.count, p.left, p.right));
            }
        }

        int maxMerges = options.vocabSize() - tokens.size();
        List<ByteLevelBpe.Merge> merges = new ArrayList<>(maxMerges);
        int[] stamp = new int[words.length];
        Arrays.fill(stamp, -1);
        Set<Long> created = new LinkedHashSet<>();
        int[] buffer = new int[16];
        while (merges.size() < maxMerges && !heap.isEmpty()) {
            Entry top = heap.poll();
            Pair p = pairs.get(key(top.left, top.right));
            long actual = p == null ? 0 : p.count;
            if (actual != top.count) {
                if (actual >= minFrequency) {
                    heap.add(new Entry(actual, top.left, top.right));
                }
                continue;
            }
            int a = p.left;
            int b = p.right;
            int merged = tokens.size();
            tokens.add(tokens.get(a) + tokens.get(b));
            merges.add(new ByteLevelBpe.Merge(tokens.get(a), tokens.get(b)));
            int stampValue = merges.size();
            int[] where = p.where;
            int size = p.size;
            created.clear();
            for (int k = 0; k < size; k++) {
                int w = where[k];
                if (stamp[w] == stampValue) {
                    continue;
                }
                stamp[w] = stampValue;
                int[] s = words[w];
                int n = s.length;
                if (buffer.length < n) {
                    buffer = new int[n * 2];
                }
                int m = 0;
                for (int i = 0; i < n; ) {
                    if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                        buffer[m++] = merged;
                        i += 2;
                    } else {
                        buffer[m++] = s[i++];
                    }
                }
                if (m == n) {
                    continue; // a stale entry: the word no longer holds the pair
                }
                // New pairs first, then the old ones out: a pair in both never drops to zero on the way,
                // so it keeps its list of words.
                long c = counts[w];
                int[] t = Arrays.copyOf(buffer, m);
                for (int i = 0; i + 1 < m; i++) {
                    Pair q = change(pairs, t[i], t[i + 1], c);
                    if (t[i] == merged || t[i + 1] == merged) {
                        q.addWhere(w);
                        created.add(key(t[i], t[i + 1]));
                    }
                }
                for (int i = 0; i + 1 < n; i++) {
                    change(pairs, s[i], s[i + 1], -c);
                }
                words[w] = t;
            }
            for (long k : created) {
                Pair q = pairs.get(k);
                if (q != null && q.count >= minFrequency) {
                    heap.add(new Entry(q.count, q.left, q.right));
                }
            }
            listener.merged(merges.size(), maxMerges);
        }
        return new ByteLevelBpe(
                tokens,
                merges,
                options.specialTokens(),
                options.bosToken(),
                options.eosToken(),
                options.padToken(),
                options.modelMaxLength());
    }

    private static Pair change(Map<Long, Pair> pairs, int left, int right, long delta) {
        long k = key(left, right);
        Pair p = pairs.get(k);
        if (p == null) {
            p = new Pair(left, right);
            pairs.put(k, p);
        }
        p.count += delta;
        if (p.count == 0) {
            pairs.remove(k);
        }
        return p;
    }
}
