package ai.curator.api;

import java.util.Locale;

/** Counts in messages: "1 row", "1,000 rows" — never "1 rows". */
public final class Plural {
    private Plural() {}

    /** {@code n} with thousands separators and {@code noun}, plural unless n is 1 (adds "s"). */
    public static String of(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? noun : noun + "s");
    }
}
