package ai.curator.eval.task;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GSM8K answer extraction: HALO's rule (the text after the last {@code ####}), the "flexible" rule
 * of lm-evaluation-harness (the last number anywhere in the output), and numeric normalisation.
 */
public final class Gsm8kAnswers {
    /**
     * lm-evaluation-harness' {@code flexible-extract} pattern for gsm8k ({@code
     * (-?[$0-9.,]{2,})|(-?[0-9]+)}, last match).
     */
    private static final Pattern NUMBER = Pattern.compile("(-?[$0-9.,]{2,})|(-?[0-9]+)");

    private Gsm8kAnswers() {}

    /**
     * HALO's answer: the output stripped, then the text after its last {@code ####}, stripped; an
     * output without {@code ####} is its whole stripped text ({@code
     * pred.split('####')[-1].strip()}).
     */
    public static String halo(String output) {
        return PyStrings.strip(PyStrings.afterLast(PyStrings.strip(output), "####"));
    }

    /** The last number-like run of the output ({@code -?[$0-9.,]{2,}} or {@code -?[0-9]+}), or "" if none. */
    public static String lastNumber(String output) {
        Matcher m = NUMBER.matcher(output);
        String last = "";
        while (m.find()) {
            last = m.group();
        }
        return last;
    }

    /**
     * Numeric normalisation: removes {@code ,} and {@code $} and a trailing {@code .}, then writes a
     * number in plain form without trailing zeros ({@code 1,000} → {@code 1000}, {@code $5} → {@code
     * 5}, {@code 18.0} → {@code 18}, {@code -0.50} → {@code -0.5}); text that is not then a number
     * is returned as cleaned.
     */
    public static String normalize(String answer) {
        String s = PyStrings.strip(answer).replace(",", "").replace("$", "");
        s = PyStrings.strip(s);
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)")) {
            BigDecimal d = new BigDecimal(s).stripTrailingZeros();
            if (d.signum() == 0) {
                return "0";
            }
            return d.toPlainString();
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
