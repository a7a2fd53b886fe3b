package ai.curator.lm.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2's byte-level pre-tokenisation, as the Hugging Face {@code ByteLevel} pre-tokenizer does it
 * with {@code use_regex: true} and {@code add_prefix_space: false}: the text is split with GPT-2's
 * regular expression
 *
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 *
 * and each piece's UTF-8 bytes are mapped to GPT-2's printable byte-to-unicode alphabet (Radford et
 * al. 2019, {@code encoder.py}: printable Latin-1 bytes stand for themselves, the other 68 bytes for
 * U+0100 onwards, so that a space is {@code Ġ} and a newline {@code Ċ}).
 *
 * <p>The expression is matched by hand rather than with {@link java.util.regex.Pattern}: it is several
 * times faster, and {@code \s} must be Unicode's White_Space property (what Oniguruma, the Rust
 * library's engine, uses), which Java's {@code \s} is not without a flag that slows every class down.
 */
public final class ByteLevelPreTokenizer {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[324];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelPreTokenizer() {}

    /** The character GPT-2's alphabet uses for byte {@code b} (0..255). */
    public static char byteToChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte (0..255) that character {@code c} of GPT-2's alphabet stands for, or -1 when it stands for none. */
    public static int charToByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The UTF-8 bytes of {@code piece}, each as its character of GPT-2's alphabet. */
    public static String toByteLevel(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** The pieces of {@code text} (not yet byte-mapped) in order; they concatenate to {@code text}. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        split(text, pieces::add);
        return pieces;
    }

    /** Receives the pieces of a text. */
    @FunctionalInterface
    public interface PieceSink {
        /** One piece. */
        void accept(String piece);
    }

    /** Feeds the pieces of {@code text}, in order, to {@code sink}. */
    public static void split(String text, PieceSink sink) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = matchAt(text, i, n);
            sink.accept(text.substring(i, end));
            i = end;
        }
    }

    /** End of the regular expression's match starting at {@code i} (which always matches at least one char). */
    private static int matchAt(String s, int i, int n) {
        char c = s.charAt(i);
        // 's|'t|'re|'ve|'m|'ll|'d
        if (c == '\'' && i + 1 < n) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) {
                    return i + 3;
                }
            }
        }
        // ' ?' followed by a class: the optional space is taken only when the class matches after it.
        int start = i;
        if (c == ' ' && i + 1 < n) {
            start = i + 1;
        }
        int cp = s.codePointAt(start);
        int cls = classOf(cp);
        if (start == i + 1 && cls == WHITE) {
            // a space followed by white space: no ' ?X+' alternative matches; fall to the white-space rules
            start = i;
            cp = c;
            cls = WHITE;
        }
        if (cls != WHITE) {
            int j = start + Character.charCount(cp);
            while (j < n) {
                int q = s.codePointAt(j);
                if (classOf(q) != cls) {
                    break;
                }
                j += Character.charCount(q);
            }
            return j;
        }
        // \s+(?!\S)|\s+
        int j = i;
        int last = i; // start of the last white-space code point of the run
        while (j < n) {
            int q = s.codePointAt(j);
            if (classOf(q) != WHITE) {
                break;
            }
            last = j;
            j += Character.charCount(q);
        }
        if (j == n) {
            return j; // the run ends the text: (?!\S) holds at its end
        }
        // followed by a non-space: give back the last white-space char, unless that leaves nothing
        return last > i ? last : j;
    }

    private static final int LETTER = 0;
    private static final int NUMBER = 1;
    private static final int OTHER = 2;
    private static final int WHITE = 3;

    private static int classOf(int cp) {
        if (isWhiteSpace(cp)) {
            return WHITE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return NUMBER;
            default:
                return OTHER;
        }
    }

    /** Unicode's White_Space property (Oniguruma's {@code \s} on UTF-8 text). */
    static boolean isWhiteSpace(int cp) {
        if (cp < 0x80) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
        }
        return cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }
}
