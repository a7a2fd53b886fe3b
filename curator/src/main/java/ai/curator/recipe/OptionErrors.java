package ai.curator.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Turns Jackson's errors on options into one-line messages that name the option and the fix. */
public final class OptionErrors {
    private OptionErrors() {}

    /** A message for an error reading the options of {@code what}. */
    public static String describe(JsonProcessingException e, String what) {
        if (e instanceof UnrecognizedPropertyException u) {
            TreeSet<String> known = new TreeSet<>();
            if (u.getKnownPropertyIds() != null) {
                u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            }
            return "unknown option '" + u.getPropertyName() + "' for " + what + ". Valid options: "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)) + suggest(u.getPropertyName(), known);
        }
        if (e instanceof ValueInstantiationException v) {
            return RecipeReader.rootMessage(v);
        }
        String field = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                : null;
        if (e instanceof InvalidFormatException f) {
            return "option '" + field + "' of " + what + " cannot be " + quote(f.getValue()) + "; expected "
                    + simpleType(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            return "option '" + field + "' of " + what + " has the wrong type; expected "
                    + simpleType(m.getTargetType());
        }
        return what + ": " + e.getOriginalMessage();
    }

    /** " Did you mean 'x'?" when a valid key is within edit distance 2 of {@code key}, else "". */
    public static String suggest(String key, Collection<String> valid) {
        String best = null;
        int bestD = 3;
        String k = squash(key);
        for (String v : valid) {
            // kmeans ~ k_means, KCenter ~ k_center_greedy: spelling apart from case, '_' and '-'
            int d = Math.min(distance(key, v), distance(k, squash(v)));
            if (d > 0 && k.length() >= 3 && squash(v).startsWith(k)) {
                d = 1;
            }
            if (d < bestD) {
                bestD = d;
                best = v;
            }
        }
        return best == null ? "" : ". Did you mean '" + best + "'?";
    }

    private static String squash(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static String quote(Object v) {
        return v instanceof String ? "'" + v + "'" : String.valueOf(v);
    }

    private static String simpleType(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "text";
        }
        if (java.util.List.class.isAssignableFrom(t)) {
            return "a list";
        }
        return t.getSimpleName();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
