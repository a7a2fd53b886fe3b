package ai.curator.lm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.curator.lm.tokenize.SentencePieceBpeTokenizer.TokenType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoding rules on a hand-built vocabulary (the real vocabulary is checked in {@code Stories260kIT}). */
class SentencePieceBpeTokenizerTest {
    /** ids: 0 unk, 1 bos, 2 eos, 3..258 bytes, then pieces. */
    static SentencePieceBpeTokenizer vocab(String[] pieces, float[] scores) {
        List<String> p = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<TokenType> t = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));
        List<Float> s = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            p.add(String.format("<0x%02X>", b));
            t.add(TokenType.BYTE);
            s.add(0f);
        }
        for (int i = 0; i < pieces.length; i++) {
            p.add(pieces[i]);
            t.add(TokenType.NORMAL);
            s.add(scores[i]);
        }
        float[] sc = new float[s.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = s.get(i);
        }
        return new SentencePieceBpeTokenizer(p, sc, t, 1, 2, 0);
    }

    private static final int BASE = 259;

    @Test
    void mergesHighestScoreFirstLeftmostOnTies() {
        // pieces: 259 '▁' 260 'a' 261 'b' 262 'ab' 263 '▁a' 264 'ba' 265 '▁ab'
        SentencePieceBpeTokenizer t = vocab(
                new String[] {"\u2581", "a", "b", "ab", "\u2581a", "ba", "\u2581ab"},
                new float[] {-10, -10, -10, -1, -2, -1, -3});
        // " abab": ▁ a b a b → ab (score -1, leftmost of ab/ba/ab ties) at 1-2 → ▁ ab a b → ab at 3-4
        // (ba at 2-3 gone) → ▁ ab ab → ▁ab (-3) → ▁ab ab
        assertArrayEquals(new int[] {BASE + 6, BASE + 3}, t.encode("abab"));
        assertEquals("abab", t.decode(t.encode("abab")));
        assertArrayEquals(new int[0], t.encode(""));
    }

    @Test
    void unknownCharactersFallBackToBytesAndDecodeWhole() {
        SentencePieceBpeTokenizer t = vocab(new String[] {"\u2581", "a"}, new float[] {-1, -1});
        int[] ids = t.encode("aé");
        // ▁, a, then é as its two UTF-8 bytes C3 A9 (byte token id = byte + 3)
        assertArrayEquals(new int[] {BASE, BASE + 1, 0xC3 + 3, 0xA9 + 3}, ids);
        assertEquals("aé", t.decode(ids));
        assertEquals("a", t.decode(new int[] {1, BASE, BASE + 1, 2})); // BOS/EOS skipped, prefix space dropped
    }
}
