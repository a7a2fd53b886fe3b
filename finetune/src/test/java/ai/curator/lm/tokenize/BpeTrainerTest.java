package ai.curator.lm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BPE training on corpora small enough to follow by hand. */
class BpeTrainerTest {

    @TempDir
    Path tmp;

    private static BpeTrainer.Options options(int vocabSize, int minFrequency) {
        return new BpeTrainer.Options(vocabSize, minFrequency, null, null, null, null, null, null);
    }

    private static List<String> merges(ByteLevelBpe bpe) {
        return bpe.merges().stream().map(m -> m.left() + " " + m.right()).toList();
    }

    @Test
    void learnsTheMergesOfTheTextbookExample() {
        // aaabdaaabac: aa (4) first; then ab and aa+a tie at 2 and "a" < "aa" picks (a, b); then aa+ab (2);
        // every other pair occurs once, below min_frequency 2.
        ByteLevelBpe bpe = BpeTrainer.train(List.of("aaabdaaabac").iterator(), options(1000, 2));
        assertEquals(List.of("a a", "a b", "aa ab"), merges(bpe));
        assertEquals(1 + 256 + 3, bpe.vocab().size());
        assertEquals(List.of("aa", "ab", "aaab"), bpe.vocab().subList(257, 260));
        assertEquals("<|endoftext|>", bpe.vocab().get(0));
        assertEquals("a", bpe.vocab().get(1 + 'a'));
        assertEquals("Ġ", bpe.vocab().get(1 + ' '));
    }

    @Test
    void minFrequencyOneMergesSingletonsSmallestPairFirst() {
        // after aa, ab, aaab the word is aaab d aaab a c: all pairs once; (a, c) is smallest, then
        // (aaab, ac) before (aaab, d), then (aaab, d) and (aaabd, aaabac)
        ByteLevelBpe bpe = BpeTrainer.train(List.of("aaabdaaabac").iterator(), options(1000, 1));
        assertEquals(List.of("a a", "a b", "aa ab", "a c", "aaab ac", "aaab d", "aaabd aaabac"), merges(bpe));
    }

    @Test
    void stopsAtTheVocabularySize() {
        ByteLevelBpe bpe = BpeTrainer.train(List.of("aaabdaaabac").iterator(), options(259, 1));
        assertEquals(List.of("a a", "a b"), merges(bpe));
        assertEquals(259, bpe.vocab().size());
    }

    @Test
    void countsWordsAcrossDocumentsWithTheirSpaces() {
        // pieces: "low" x1 (a document's start has no space), "Ġlow" x2, "Ġlower" x2. (l, o) and (o, w) tie
        // at 5 and "l" < "o"; then (lo, w) 5, (Ġ, low) 4; (low, e) has 2, below min_frequency 3.
        ByteLevelBpe bpe =
                BpeTrainer.train(List.of("low low lower", " low lower").iterator(), options(1000, 3));
        assertEquals(List.of("l o", "lo w", "Ġ low"), merges(bpe));
    }

    @Test
    void incrementalCountsGiveTheMergesOfARecountAfterEveryMerge() {
        List<String> corpus = new ArrayList<>(ByteLevelBpeTokenizerTest.corpus());
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            // overlapping runs (aaaa, abab) are where incremental updates go wrong first
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < 5 + random.nextInt(60); k++) {
                b.append("ab a".charAt(random.nextInt(4)));
            }
            corpus.add(b.toString());
        }
        for (int minFrequency : new int[] {1, 2, 5}) {
            BpeTrainer.Options o = options(900, minFrequency);
            List<String> expected = recountEveryMerge(corpus, o);
            assertTrue(expected.size() > 300, "enough merges to compare: " + expected.size());
            assertEquals(expected, merges(BpeTrainer.train(corpus.iterator(), o)));
        }
    }

    /** The textbook algorithm: recount every pair after every merge. */
    private static List<String> recountEveryMerge(List<String> docs, BpeTrainer.Options o) {
        Map<String, Long> pieces = new TreeMap<>();
        for (String d : docs) {
            ByteLevelPreTokenizer.split(d, p -> pieces.merge(ByteLevelPreTokenizer.toByteLevel(p), 1L, Long::sum));
        }
        List<List<String>> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        pieces.forEach((p, c) -> {
            List<String> w = new ArrayList<>();
            p.chars().forEach(ch -> w.add(String.valueOf((char) ch)));
            words.add(w);
            counts.add(c);
        });
        List<String> merges = new ArrayList<>();
        int maxMerges = o.vocabSize() - 256 - o.specialTokens().size();
        while (merges.size() < maxMerges) {
            Map<List<String>, Long> pairs = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(List.of(s.get(i), s.get(i + 1)), counts.get(w), Long::sum);
                }
            }
            List<String> best = null;
            long bestCount = 0;
            for (Map.Entry<List<String>, Long> e : pairs.entrySet()) {
                List<String> p = e.getKey();
                long c = e.getValue();
                int cmp = best == null
                        ? -1
                        : c != bestCount
                                ? Long.compare(bestCount, c)
                                : p.get(0).equals(best.get(0))
                                        ? p.get(1).compareTo(best.get(1))
                                        : p.get(0).compareTo(best.get(0));
                if (cmp < 0) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < o.minFrequency()) {
                break;
            }
            merges.add(best.get(0) + " " + best.get(1));
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
                        s.set(i, best.get(0) + best.get(1));
                        s.remove(i + 1);
                    }
                }
            }
        }
        return merges;
    }

    @Test
    void sameInputSameBytes() {
        List<String> corpus = ByteLevelBpeTokenizerTest.corpus();
        ByteLevelBpe a = BpeTrainer.train(corpus.iterator(), BpeTrainer.Options.withVocabSize(700));
        ByteLevelBpe b = BpeTrainer.train(new ArrayList<>(corpus).iterator(), BpeTrainer.Options.withVocabSize(700));
        assertArrayEquals(a.tokenizerJson(), b.tokenizerJson());
        assertArrayEquals(a.tokenizerConfigJson(), b.tokenizerConfigJson());
        a.save(tmp.resolve("a"));
        b.save(tmp.resolve("b"));
        assertArrayEquals(readBytes(tmp.resolve("a/tokenizer.json")), readBytes(tmp.resolve("b/tokenizer.json")));
        assertTrue(a.merges().size() > 300, "the corpus yields merges up to the vocabulary size");
    }

    @Test
    void specialTokensComeFirstAreNeverLearntAndAreNamedInTheConfig() throws Exception {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            docs.add("ab<|endoftext|>ab<|pad|> cd");
        }
        BpeTrainer.Options o = new BpeTrainer.Options(
                400,
                2,
                List.of("<|endoftext|>", "<|pad|>", "<|user|>"),
                "<|endoftext|>",
                "<|endoftext|>",
                "<|pad|>",
                null,
                1024);
        ByteLevelBpe bpe = BpeTrainer.train(docs.iterator(), o);
        assertEquals(
                List.of("<|endoftext|>", "<|pad|>", "<|user|>"), bpe.vocab().subList(0, 3));
        // pieces per document: "ab" x2, "Ġcd"; (a, b) 100, then (Ġ, c) and (c, d) tie at 50 and "c" < "Ġ"
        assertEquals(List.of("a b", "c d", "Ġ cd"), merges(bpe));
        for (String t : bpe.vocab().subList(3 + 256, bpe.vocab().size())) {
            assertFalse(t.contains("<") || t.contains("|"), "no token learnt from the special tokens: " + t);
        }

        bpe.save(tmp);
        ObjectMapper json = new ObjectMapper();
        JsonNode tok = json.readTree(tmp.resolve("tokenizer.json").toFile());
        assertEquals(3, tok.get("added_tokens").size());
        assertEquals("<|pad|>", tok.get("added_tokens").get(1).get("content").asText());
        assertEquals(1, tok.get("added_tokens").get(1).get("id").asInt());
        assertTrue(tok.get("added_tokens").get(1).get("special").asBoolean());
        assertTrue(tok.get("normalizer").isNull());
        assertEquals("ByteLevel", tok.get("pre_tokenizer").get("type").asText());
        assertFalse(tok.get("pre_tokenizer").get("add_prefix_space").asBoolean());
        assertEquals("BPE", tok.get("model").get("type").asText());
        assertEquals("a b", tok.get("model").get("merges").get(0).asText());
        assertEquals(bpe.vocab().size(), tok.get("model").get("vocab").size());

        JsonNode config = json.readTree(tmp.resolve("tokenizer_config.json").toFile());
        assertEquals("<|endoftext|>", config.get("bos_token").asText());
        assertEquals("<|endoftext|>", config.get("eos_token").asText());
        assertEquals("<|pad|>", config.get("pad_token").asText());
        assertEquals(1024, config.get("model_max_length").asInt());
        assertEquals("PreTrainedTokenizerFast", config.get("tokenizer_class").asText());
        assertEquals("<|user|>", config.get("additional_special_tokens").get(0).asText());

        ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.load(tmp);
        assertEquals(0, t.bos());
        assertEquals(0, t.eos());
        assertEquals(1, t.pad());
        assertArrayEquals(new int[] {2, t.id("ab"), 1}, t.encode("<|user|>ab<|pad|>"));
        assertEquals(0, tmp.toFile().list((d, n) -> n.endsWith(".tmp")).length, "no temporary file left");
    }

    @Test
    void withoutBosOrPadTheConfigNamesNoneAndTheTokenizerSaysMinusOne() throws Exception {
        BpeTrainer.Options o = new BpeTrainer.Options(300, 2, List.of("</s>"), "", "</s>", "", null, null);
        ByteLevelBpe bpe = BpeTrainer.train(List.of("ab ab ab</s>").iterator(), o);
        bpe.save(tmp);
        JsonNode config =
                new ObjectMapper().readTree(tmp.resolve("tokenizer_config.json").toFile());
        assertFalse(config.has("bos_token"));
        assertFalse(config.has("pad_token"));
        assertEquals("</s>", config.get("eos_token").asText());
        ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.load(tmp);
        assertEquals(-1, t.bos());
        assertEquals(0, t.eos());
        assertEquals(-1, t.pad());
    }

    @Test
    void stopsReadingAfterTheDocumentThatReachesTheByteLimit() {
        List<String> docs = List.of("ab ab ab", "cd cd cd cd");
        BpeTrainer.Options o = new BpeTrainer.Options(1000, 2, null, null, null, null, 1L, null);
        long[] seen = new long[2];
        ByteLevelBpe bpe = BpeTrainer.train(docs.iterator(), o, new BpeTrainer.Listener() {
            @Override
            public void read(long documents, long bytes) {
                seen[0] = documents;
                seen[1] = bytes;
            }
        });
        assertEquals(List.of("a b", "Ġ ab"), merges(bpe));
        assertEquals(1, seen[0]);
        assertEquals(8, seen[1]);
    }

    @Test
    void reportsProgress() {
        int[] last = new int[2];
        BpeTrainer.train(List.of("aaabdaaabac").iterator(), options(1000, 2), new BpeTrainer.Listener() {
            @Override
            public void counted(int words, int pairs) {
                assertEquals(1, words);
                assertEquals(6, pairs);
            }

            @Override
            public void merged(int merges, int maxMerges) {
                last[0] = merges;
                last[1] = maxMerges;
            }
        });
        assertArrayEquals(new int[] {3, 1000 - 257}, last);
    }

    @Test
    void readsBlankLineSeparatedDocumentsFromPlainAndGzippedFiles() throws Exception {
        Path plain = tmp.resolve("a.txt");
        Files.writeString(plain, "first line\nsame doc\n\nsecond doc\n\n\n\nthird doc", StandardCharsets.UTF_8);
        Path gz = tmp.resolve("b.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("fourth doc\n\nfifth doc\n".getBytes(StandardCharsets.UTF_8));
        }
        List<String> docs = new ArrayList<>();
        BpeTrainer.documents(List.of(plain, gz)).forEachRemaining(docs::add);
        assertEquals(List.of("first line\nsame doc", "second doc", "third doc", "fourth doc", "fifth doc"), docs);

        ByteLevelBpe fromFiles = BpeTrainer.train(List.of(plain, gz), options(300, 1));
        ByteLevelBpe fromDocs = BpeTrainer.train(docs.iterator(), options(300, 1));
        assertArrayEquals(fromDocs.tokenizerJson(), fromFiles.tokenizerJson());
    }

    @Test
    void badFilesAreNamed() throws Exception {
        Path bad = tmp.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'x', (byte) 0xC3, '(', '\n'});
        Iterator<String> it = BpeTrainer.documents(List.of(bad));
        DataException e = assertThrows(DataException.class, it::hasNext);
        assertTrue(e.getMessage().contains(bad + " line 2 is not valid UTF-8"), e.getMessage());

        Path missing = tmp.resolve("missing.txt");
        e = assertThrows(DataException.class, () -> BpeTrainer.documents(List.of(missing))
                .hasNext());
        assertEquals("Training text " + missing + " is not a readable file", e.getMessage());
    }

    @Test
    void optionsAreValidated() {
        assertEquals("bpe.vocab_size must be >= 256 + 1 special tokens = 257, got 256", invalid(() -> options(256, 2)));
        assertEquals("bpe.min_frequency must be >= 1, got 0", invalid(() -> options(300, 0)));
        assertEquals(
                "bpe.special_tokens must hold at least the end-of-sequence token, got []",
                invalid(() -> new BpeTrainer.Options(300, 2, List.of(), null, null, null, null, null)));
        assertEquals(
                "bpe.special_tokens must be distinct, got '<s>' twice in [<s>, <s>]",
                invalid(() -> new BpeTrainer.Options(300, 2, List.of("<s>", "<s>"), null, "<s>", null, null, null)));
        assertEquals(
                "bpe.special_tokens must be non-empty strings, got [<s>, ]",
                invalid(() -> new BpeTrainer.Options(300, 2, List.of("<s>", ""), null, "<s>", null, null, null)));
        assertEquals(
                "bpe.eos_token must be set when bpe.special_tokens lacks <|endoftext|>, got null",
                invalid(() -> new BpeTrainer.Options(300, 2, List.of("<s>"), null, null, null, null, null)));
        assertEquals(
                "bpe.pad_token must be one of bpe.special_tokens [<|endoftext|>], got '<pad>'",
                invalid(() -> new BpeTrainer.Options(300, 2, null, null, null, "<pad>", null, null)));
        assertEquals(
                "bpe.max_input_bytes must be >= 1, got 0",
                invalid(() -> new BpeTrainer.Options(300, 2, null, null, null, null, 0L, null)));
        assertEquals(
                "bpe.model_max_length must be >= 1, got 0",
                invalid(() -> new BpeTrainer.Options(300, 2, null, null, null, null, null, 0)));

        BpeTrainer.Options none = new BpeTrainer.Options(300, 2, List.of("<s>"), "", "<s>", "", null, null);
        assertEquals(null, none.bosToken());
        assertEquals(null, none.padToken());
        BpeTrainer.Options unset = new BpeTrainer.Options(300, 2, List.of("<s>"), null, "<s>", null, null, null);
        assertEquals(null, unset.bosToken());
        assertEquals(null, unset.padToken());

        BpeTrainer.Options d = BpeTrainer.Options.defaults();
        assertEquals(4096, d.vocabSize());
        assertEquals(2, d.minFrequency());
        assertEquals(List.of("<|endoftext|>"), d.specialTokens());
        assertEquals("<|endoftext|>", d.bosToken());
        assertEquals("<|endoftext|>", d.eosToken());
        assertEquals("<|endoftext|>", d.padToken());
        assertEquals(Long.MAX_VALUE, d.maxInputBytes());
        assertEquals(2048, d.modelMaxLength());
    }

    private static String invalid(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
