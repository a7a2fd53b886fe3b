package ai.curator.lm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure-Java byte-level BPE against Hugging Face's tokenizers (through DJL) on a small trained vocabulary. */
class ByteLevelBpeTokenizerTest {

    /** Texts where pre-tokenisation and byte handling go wrong first. */
    static final List<String> TRICKY = List.of(
            "",
            " ",
            "   ",
            "\n",
            "\n\n\n",
            "a\n\nb",
            "a  b   c    d",
            "trailing spaces   ",
            "   leading spaces",
            "tabs\tand\t\tmore\t",
            " \n \n",
            "line\r\nbreaks\r\n",
            "no-break\u00a0space and\u2028line sep\u3000ideographic\u0085nel\u001cfs",
            "I'm sure he'll say it's theirs, they've 'quoted' words; we'd don't",
            "'S 'T 'RE upper-case contractions and ''double'' '",
            "Café naïve résumé Ångström façade Øre ß",
            "Emoji 👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷 and ☃ snowman",
            "中文字符测试：你好，世界！ 日本語のテキスト。 한국어 텍스트",
            "Ελληνικά και русский текст, עברית ועוד, العربية",
            "numbers 12345 3.14159 1,000,000 ½ ² Ⅻ ٣",
            "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72",
            "inform(name[SpellForce 3], rating[poor], genres[real-time strategy, role-playing])",
            "SELECT MAX(wins) FROM table_name_7 WHERE points < 37 AND year > 1979",
            "CREATE TABLE table_29202276_2 (route_via VARCHAR, train_name VARCHAR)",
            "x" + "y".repeat(300),
            "-".repeat(100) + "=".repeat(50),
            "1234567890".repeat(20) + " " + "ab".repeat(200) + " " + "👍".repeat(40),
            "a" + " ".repeat(500) + "b" + "\n".repeat(300)
                    + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            " ".repeat(200_000),
            "special <|endoftext|> inside<|endoftext|>text<|endoftext|>",
            "<|endoftext|>",
            "<|endoftext",
            "$12.50 @home #tag ~tilde `code` {json: [1, 2]} a|b\\c");

    @TempDir
    Path tmp;

    @Test
    void matchesHuggingFaceIdsAndRoundTrips() throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train(corpus().iterator(), BpeTrainer.Options.withVocabSize(600));
        bpe.save(tmp);
        ByteLevelBpeTokenizer java = ByteLevelBpeTokenizer.load(tmp);
        List<String> texts = new ArrayList<>(TRICKY);
        texts.addAll(corpus());
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                tmp.resolve(ByteLevelBpe.TOKENIZER_JSON), Map.of("addSpecialTokens", "false", "truncation", "false"))) {
            for (String text : texts) {
                long[] theirs = hf.encode(text, false, false).getIds();
                int[] ours = java.encode(text);
                assertArrayEquals(toInt(theirs), ours, () -> "ids differ on: " + text);
                String expected = text.replace(BpeTrainer.END_OF_TEXT, "");
                assertEquals(expected, java.decode(ours), () -> "decode(encode(x)) on: " + text);
                assertEquals(hf.decode(theirs, true), java.decode(ours));
            }
            // any id sequence, including ones that cut a UTF-8 character: the same replacement characters
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < bpe.vocab().size() + 500; i++) {
                int[] ids = i < bpe.vocab().size()
                        ? new int[] {i}
                        : random.ints(1 + random.nextInt(8), 0, bpe.vocab().size())
                                .toArray();
                long[] asLong = Arrays.stream(ids).asLongStream().toArray();
                assertEquals(hf.decode(asLong, true), java.decode(ids), () -> Arrays.toString(ids));
            }
        }
    }

    @Test
    void longPiecesMergeAsHuggingFaceDoes() throws Exception {
        // runs of few symbols make long pieces with many applicable merges: the heap path, position ties
        SplittableRandom random = new SplittableRandom(7);
        String[] classes = {"aab", "112", "-=", " "};
        List<String> train = new ArrayList<>();
        List<String> test = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            StringBuilder b = new StringBuilder();
            for (int run = 0; run < 4; run++) {
                String c = classes[random.nextInt(classes.length)];
                int len = 1 + random.nextInt(i < 400 ? 100 : 1000);
                for (int k = 0; k < len; k++) {
                    b.append(c.charAt(random.nextInt(c.length())));
                }
            }
            (i < 400 ? train : test).add(b.toString());
        }
        ByteLevelBpe bpe = BpeTrainer.train(train.iterator(), BpeTrainer.Options.withVocabSize(500));
        assertEquals(500, bpe.vocab().size());
        assertTrue(
                bpe.vocab().stream().anyMatch(t -> t.matches("Ġ{4,}"))
                        && bpe.vocab().stream().anyMatch(t -> t.matches("[12]{4,}")),
                "merges within long runs");
        bpe.save(tmp);
        ByteLevelBpeTokenizer java = ByteLevelBpeTokenizer.load(tmp);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                tmp.resolve(ByteLevelBpe.TOKENIZER_JSON), Map.of("addSpecialTokens", "false", "truncation", "false"))) {
            for (String text : test) {
                assertArrayEquals(toInt(hf.encode(text, false, false).getIds()), java.encode(text), text);
                assertEquals(text, java.decode(java.encode(text)));
            }
        }
    }

    @Test
    void sameIdsFromTheTrainedObjectAndFromTheSavedFile() {
        ByteLevelBpe bpe = BpeTrainer.train(corpus().iterator(), BpeTrainer.Options.withVocabSize(400));
        bpe.save(tmp);
        ByteLevelBpeTokenizer fromFile = ByteLevelBpeTokenizer.load(tmp.resolve(ByteLevelBpe.TOKENIZER_JSON));
        ByteLevelBpeTokenizer direct = new ByteLevelBpeTokenizer(bpe);
        for (String text : TRICKY) {
            assertArrayEquals(direct.encode(text), fromFile.encode(text), text);
        }
        assertEquals(0, fromFile.bos());
        assertEquals(0, fromFile.eos());
        assertEquals(0, fromFile.pad());
        assertEquals(400, fromFile.vocabSize());
    }

    @Test
    void encodesSpecialTokensAsTheirIdsAndDecodingSkipsThem() {
        ByteLevelBpeTokenizer tok =
                new ByteLevelBpeTokenizer(BpeTrainer.train(corpus().iterator(), BpeTrainer.Options.withVocabSize(300)));
        int[] ids = tok.encode("a<|endoftext|>b");
        assertArrayEquals(new int[] {tok.id("a"), 0, tok.id("b")}, ids);
        assertEquals("ab", tok.decode(ids));
        assertEquals("", tok.decode(new int[] {0, 0}));
    }

    @Test
    void acceptsBothMergeFormats() throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train(corpus().iterator(), BpeTrainer.Options.withVocabSize(320));
        bpe.save(tmp);
        Path file = tmp.resolve(ByteLevelBpe.TOKENIZER_JSON);
        String json = Files.readString(file, StandardCharsets.UTF_8);
        StringBuilder pairs = new StringBuilder();
        for (ByteLevelBpe.Merge m : bpe.merges()) {
            pairs.append(pairs.length() == 0 ? "" : ",")
                    .append("[\"")
                    .append(m.left().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\",\"")
                    .append(m.right().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\"]");
        }
        int at = json.indexOf("\"merges\"");
        String arrays = json.substring(0, at) + "\"merges\" : [" + pairs + "]\n  }\n}\n";
        Path other = tmp.resolve("arrays");
        Files.createDirectories(other);
        Files.writeString(other.resolve(ByteLevelBpe.TOKENIZER_JSON), arrays, StandardCharsets.UTF_8);
        ByteLevelBpeTokenizer a = ByteLevelBpeTokenizer.load(tmp);
        ByteLevelBpeTokenizer b = ByteLevelBpeTokenizer.load(other);
        for (String text : TRICKY) {
            assertArrayEquals(a.encode(text), b.encode(text), text);
        }
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                other.resolve(ByteLevelBpe.TOKENIZER_JSON),
                Map.of("addSpecialTokens", "false", "truncation", "false"))) {
            for (String text : TRICKY) {
                assertArrayEquals(toInt(hf.encode(text, false, false).getIds()), b.encode(text), text);
            }
        }
    }

    @Test
    void rejectsWhatIsNotAByteLevelBpeFile() throws Exception {
        Path missing = tmp.resolve("nothing");
        DataException e = assertThrows(DataException.class, () -> ByteLevelBpeTokenizer.load(missing));
        assertTrue(e.getMessage().contains("No tokenizer at"), e.getMessage());

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"model\": {\"type\": \"Unigram\"}}");
        e = assertThrows(DataException.class, () -> ByteLevelBpeTokenizer.load(bad));
        assertTrue(e.getMessage().contains("model.type must be BPE"), e.getMessage());

        ByteLevelBpe bpe = BpeTrainer.train(corpus().iterator(), BpeTrainer.Options.withVocabSize(300));
        Path prefix = tmp.resolve("prefix.json");
        Files.writeString(
                prefix,
                new String(bpe.tokenizerJson(), StandardCharsets.UTF_8)
                        .replaceFirst("\"add_prefix_space\" : false", "\"add_prefix_space\" : true"));
        e = assertThrows(DataException.class, () -> ByteLevelBpeTokenizer.load(prefix));
        assertTrue(e.getMessage().contains("add_prefix_space false"), e.getMessage());
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        ByteLevelBpeTokenizer tok =
                new ByteLevelBpeTokenizer(BpeTrainer.train(corpus().iterator(), BpeTrainer.Options.withVocabSize(300)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {300}));
        assertEquals("token id 300 is outside the vocabulary [0, 300)", e.getMessage());
    }

    /** A few hundred lines of mixed text: prose, arithmetic, meaning representations, SQL, other scripts. */
    static List<String> corpus() {
        List<String> docs = new ArrayList<>();
        String[] names = {"Natalia", "Weng", "Betty", "Julie", "James", "Albert", "Ken", "Alexis", "Tina", "Randy"};
        String[] games = {"SpellForce 3", "Dirt: Showdown", "Little Big Adventure", "Portal 2", "The Sims"};
        String[] ratings = {"poor", "average", "good", "excellent"};
        for (int i = 0; i < 200; i++) {
            String n = names[i % names.length];
            int a = 3 + (i * 7) % 90;
            int b = 2 + (i * 13) % 40;
            docs.add(n + " sold " + a + " clips in April, and then she sold " + b + " clips in May. How many clips did "
                    + n + " sell altogether in April and May?");
            docs.add(n + " sold " + a + "+" + b + " = <<" + a + "+" + b + "=" + (a + b) + ">>" + (a + b)
                    + " clips.\n#### " + (a + b));
            String g = games[i % games.length];
            docs.add("inform(name[" + g + "], release_year[" + (1990 + i % 30) + "], rating[" + ratings[i % 4]
                    + "], genres[role-playing, strategy], has_multiplayer[" + (i % 2 == 0 ? "yes" : "no") + "])");
            docs.add(
                    "SELECT COUNT(points) FROM table_name_" + i + " WHERE team = '" + n + "' AND year > " + (1950 + i));
            docs.add("It was the best of times, it was the worst of times; it was the age of wisdom, it was the"
                    + " age of foolishness. I'm sure they'll say it's theirs.");
        }
        docs.add("Café naïve résumé — 中文字符 日本語 한국어 Ελληνικά русский 👍 🇫🇷");
        return docs;
    }

    static int[] toInt(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
