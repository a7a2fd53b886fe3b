package ai.curator.eval.task;

/**
 * Python's {@code str.strip()} and {@code str.isspace()}, so that HALO's rules (written in Python)
 * treat the same characters as white space: Python strips U+00A0, U+0085, U+2007 and U+202F, which
 * Java's {@link String#strip()} keeps.
 */
public final class PyStrings {
    private PyStrings() {}

    /** Python's {@code c.isspace()} for one UTF-16 unit (every Python white space is in the BMP). */
    public static boolean isSpace(char c) {
        return switch (c) {
            case '\t',
                    '\n',
                    '\u000b',
                    '\f',
                    '\r',
                    '\u001c',
                    '\u001d',
                    '\u001e',
                    '\u001f',
                    ' ',
                    '\u0085',
                    '\u00a0',
                    '\u1680',
                    '\u2028',
                    '\u2029',
                    '\u202f',
                    '\u205f',
                    '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200a';
        };
    }

    /** Python's {@code s.strip()}. */
    public static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isSpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isSpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    /** Python's {@code s.strip(chars)}: removes any of {@code chars} from both ends. */
    public static String strip(String s, String chars) {
        int a = 0;
        int b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }

    /** Python's {@code s.split(sep)[-1]}: the text after the last {@code sep}, or all of it. */
    public static String afterLast(String s, String sep) {
        int i = s.lastIndexOf(sep);
        return i < 0 ? s : s.substring(i + sep.length());
    }

    /** Python's {@code s.split(sep)[0]}: the text before the first {@code sep}, or all of it. */
    public static String beforeFirst(String s, String sep) {
        int i = s.indexOf(sep);
        return i < 0 ? s : s.substring(0, i);
    }
}
