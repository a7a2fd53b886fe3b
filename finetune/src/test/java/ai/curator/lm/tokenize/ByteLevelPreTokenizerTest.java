package ai.curator.lm.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** GPT-2's pre-tokenisation on cases worked out by hand from the regular expression. */
class ByteLevelPreTokenizerTest {

    @Test
    void splitsWordsWithTheirLeadingSpace() {
        assertEquals(List.of("Hello", " world", "!"), ByteLevelPreTokenizer.split("Hello world!"));
        assertEquals(List.of("3", ".", "14", " apples"), ByteLevelPreTokenizer.split("3.14 apples"));
        assertEquals(
                List.of("inform", "(", "name", "[", "Portal", " 2", "],", " rating", "[", "good", "])"),
                ByteLevelPreTokenizer.split("inform(name[Portal 2], rating[good])"));
    }

    @Test
    void contractionsOnlyInLowerCaseAndOnlyAtAMatchStart() {
        assertEquals(List.of("don", "'t", " I", "'m", " we", "'ll"), ByteLevelPreTokenizer.split("don't I'm we'll"));
        assertEquals(List.of("DON", "'", "T"), ByteLevelPreTokenizer.split("DON'T"));
        assertEquals(List.of("''", "s"), ByteLevelPreTokenizer.split("''s"));
        assertEquals(List.of(" '", "re"), ByteLevelPreTokenizer.split(" 're"));
    }

    @Test
    void whiteSpaceRunsLeaveTheirLastSpaceToTheNextWord() {
        assertEquals(List.of(" ", " a"), ByteLevelPreTokenizer.split("  a"));
        assertEquals(List.of("a", "  \n", " b"), ByteLevelPreTokenizer.split("a  \n b"));
        assertEquals(List.of("x", "\n"), ByteLevelPreTokenizer.split("x\n"));
        assertEquals(List.of("x", "\n", "y"), ByteLevelPreTokenizer.split("x\ny"));
        assertEquals(List.of("x", "\n\n", "\n", "y"), ByteLevelPreTokenizer.split("x\n\n\ny"));
        assertEquals(List.of("?!", "   "), ByteLevelPreTokenizer.split("?!   "));
        assertEquals(List.of(" "), ByteLevelPreTokenizer.split(" "));
        assertEquals(List.of(), ByteLevelPreTokenizer.split(""));
    }

    @Test
    void whiteSpaceIsUnicodeWhiteSpace() {
        // U+00A0 is White_Space (Oniguruma's \s) though Java's \s and Character.isWhitespace say otherwise
        assertEquals(List.of("a", "\u00a0", "b"), ByteLevelPreTokenizer.split("a\u00a0b"));
        assertEquals(List.of("a", " \u3000", " b"), ByteLevelPreTokenizer.split("a \u3000 b"));
        // U+001C is not White_Space, though Java's Character.isWhitespace says it is
        assertEquals(List.of("a", "\u001c", "b"), ByteLevelPreTokenizer.split("a\u001cb"));
    }

    @Test
    void lettersNumbersAndSymbolsBeyondAscii() {
        assertEquals(List.of("Café", " naïve"), ByteLevelPreTokenizer.split("Café naïve"));
        assertEquals(List.of("½²", " Ⅻ"), ByteLevelPreTokenizer.split("½² Ⅻ"));
        assertEquals(List.of("中文", "，", "世界"), ByteLevelPreTokenizer.split("中文，世界"));
        assertEquals(List.of("a", " 👍🏽"), ByteLevelPreTokenizer.split("a 👍🏽"));
    }

    @Test
    void bytesMapToGpt2sAlphabet() {
        assertEquals("Ġ", ByteLevelPreTokenizer.toByteLevel(" "));
        assertEquals("Ċ", ByteLevelPreTokenizer.toByteLevel("\n"));
        assertEquals("ĠcafÃ©", ByteLevelPreTokenizer.toByteLevel(" café"));
        assertEquals('Ā', ByteLevelPreTokenizer.byteToChar(0));
        assertEquals('!', ByteLevelPreTokenizer.byteToChar('!'));
        assertEquals('Ń', ByteLevelPreTokenizer.byteToChar(0xAD)); // the last of the 68 remapped bytes: U+0100 + 67
        for (int b = 0; b < 256; b++) {
            assertEquals(b, ByteLevelPreTokenizer.charToByte(ByteLevelPreTokenizer.byteToChar(b)));
        }
        assertEquals(-1, ByteLevelPreTokenizer.charToByte('中'));
    }
}
