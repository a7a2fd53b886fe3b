package ai.curator.eval.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A ViGGO meaning representation, {@code act(attr[value], attr[value], …)}, parsed with list values
 * kept whole ({@code genres[action, adventure]} is one pair), plus HALO's own comparison rule.
 *
 * @param act the dialogue act: the stripped text before the first {@code (}
 * @param pairs the {@code attr[value]} pairs in output order, each as {@code attr[value]} with
 *     the name and the value stripped
 * @param wellFormed whether the text parsed completely (an act, one pair list in parentheses, every
 *     pair closed); a malformed text keeps the pairs read before the fault
 */
public record ViggoMeaning(String act, List<String> pairs, boolean wellFormed) {
    public ViggoMeaning {
        pairs = List.copyOf(pairs);
    }

    /** Parses a meaning representation; never throws. */
    public static ViggoMeaning parse(String text) {
        String s = PyStrings.strip(text);
        int open = s.indexOf('(');
        if (open < 0) {
            return new ViggoMeaning(s, List.of(), false);
        }
        String act = PyStrings.strip(s.substring(0, open));
        List<String> pairs = new ArrayList<>();
        int i = open + 1;
        int n = s.length();
        boolean ok = !act.isEmpty();
        while (true) {
            while (i < n && (PyStrings.isSpace(s.charAt(i)) || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                ok = false; // no closing parenthesis
                break;
            }
            if (s.charAt(i) == ')') {
                ok &= PyStrings.strip(s.substring(i + 1)).isEmpty();
                break;
            }
            int lb = s.indexOf('[', i);
            int stop = indexOfAny(s, i, ",)");
            if (lb < 0 || (stop >= 0 && stop < lb)) {
                ok = false; // an attribute without a [value]
                if (stop < 0) {
                    break;
                }
                i = stop;
                if (s.charAt(i) == ')') {
                    break;
                }
                continue;
            }
            int depth = 0;
            int rb = -1;
            for (int k = lb; k < n; k++) {
                char c = s.charAt(k);
                if (c == '[') {
                    depth++;
                } else if (c == ']' && --depth == 0) {
                    rb = k;
                    break;
                }
            }
            if (rb < 0) {
                ok = false; // unclosed value
                break;
            }
            String name = PyStrings.strip(s.substring(i, lb));
            String value = PyStrings.strip(s.substring(lb + 1, rb));
            pairs.add(name + "[" + value + "]");
            i = rb + 1;
        }
        return new ViggoMeaning(act, pairs, ok);
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int k = from; k < s.length(); k++) {
            if (chars.indexOf(s.charAt(k)) >= 0) {
                return k;
            }
        }
        return -1;
    }

    /** The pairs sorted (an order-free multiset). */
    public List<String> sortedPairs() {
        List<String> p = new ArrayList<>(pairs);
        Collections.sort(p);
        return p;
    }

    /** How many pairs the two share, counting repeats (multiset intersection). */
    public int sharedPairs(ViggoMeaning other) {
        List<String> rest = new ArrayList<>(other.pairs);
        int n = 0;
        for (String p : pairs) {
            if (rest.remove(p)) {
                n++;
            }
        }
        return n;
    }

    /**
     * HALO's rule ({@code scripts/eval.py}, {@code is_correct} for viggo), quirks included: both
     * texts stripped; the text before the first {@code (} must be equal; then, in each text, every
     * occurrence of that function name is removed ({@code str.replace}), the outer parentheses
     * stripped ({@code strip('()')}, any number of them), the rest split at every comma (so a list
     * value {@code genres[action, adventure]} becomes two pieces), each piece stripped, and the two
     * sorted lists compared (repeats count).
     */
    public static boolean haloMatch(String prediction, String reference) {
        String pred = PyStrings.strip(prediction);
        String label = PyStrings.strip(reference);
        String fn = PyStrings.beforeFirst(label, "(");
        if (!PyStrings.beforeFirst(pred, "(").equals(fn)) {
            return false;
        }
        return haloPieces(pred, fn).equals(haloPieces(label, fn));
    }

    private static List<String> haloPieces(String text, String fn) {
        String body = fn.isEmpty() ? text : text.replace(fn, "");
        body = PyStrings.strip(body, "()");
        List<String> pieces = new ArrayList<>();
        for (String p : body.split(",", -1)) {
            pieces.add(PyStrings.strip(p));
        }
        Collections.sort(pieces);
        return pieces;
    }
}
