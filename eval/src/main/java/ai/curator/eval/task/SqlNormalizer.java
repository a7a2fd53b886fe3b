package ai.curator.eval.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A canonical form of a SQL query for the normalised match: tokens joined by one space, keywords
 * and identifiers lower-cased (SQL and SQLite are case-blind there), string literals kept as
 * written but always single-quoted ({@code "x"} → {@code 'x'}), {@code !=} as {@code <>}, {@code
 * ==} as {@code =}, a trailing {@code ;} dropped. So {@code SELECT COUNT(*) FROM t WHERE a="b";}
 * and {@code select count( * ) from t where a = 'b'} are the same; {@code 'Bob'} and {@code 'bob'}
 * are not.
 */
public final class SqlNormalizer {
    private SqlNormalizer() {}

    /** The canonical form of {@code sql}; never throws (an unclosed quote runs to the end). */
    public static String normalize(String sql) {
        List<String> tokens = tokens(sql);
        while (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals(";")) {
            tokens.remove(tokens.size() - 1);
        }
        return String.join(" ", tokens);
    }

    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (PyStrings.isSpace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                StringBuilder lit = new StringBuilder();
                int k = i + 1;
                while (k < n) {
                    char d = s.charAt(k);
                    if (d == c) {
                        if (k + 1 < n && s.charAt(k + 1) == c) {
                            lit.append(c);
                            k += 2;
                            continue;
                        }
                        break;
                    }
                    lit.append(d);
                    k++;
                }
                out.add("'" + lit.toString().replace("'", "''") + "'");
                i = Math.min(k + 1, n);
            } else if (c == '`' || c == '[') {
                char close = c == '`' ? '`' : ']';
                int k = s.indexOf(close, i + 1);
                k = k < 0 ? n : k;
                out.add(s.substring(i + 1, k).toLowerCase(Locale.ROOT));
                i = Math.min(k + 1, n);
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int k = i;
                while (k < n
                        && (Character.isLetterOrDigit(s.charAt(k))
                                || s.charAt(k) == '_'
                                || s.charAt(k) == '.'
                                        && k + 1 < n
                                        && Character.isDigit(s.charAt(k + 1))
                                        && Character.isDigit(s.charAt(i)))) {
                    k++;
                }
                out.add(s.substring(i, k).toLowerCase(Locale.ROOT));
                i = k;
            } else {
                String two = i + 1 < n ? s.substring(i, i + 2) : "";
                switch (two) {
                    case "<=", ">=", "<>", "||" -> {
                        out.add(two);
                        i += 2;
                    }
                    case "!=" -> {
                        out.add("<>");
                        i += 2;
                    }
                    case "==" -> {
                        out.add("=");
                        i += 2;
                    }
                    default -> {
                        out.add(String.valueOf(c));
                        i++;
                    }
                }
            }
        }
        return out;
    }
}
