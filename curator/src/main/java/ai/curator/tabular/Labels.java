package ai.curator.tabular;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Table;
import ai.curator.linalg.Rand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A label column as class indices {@code 0 … C−1}: classes in numeric order for a numeric column,
 * text order otherwise.
 *
 * @param y the class of each row
 * @param classes each class's label text, by index
 */
public record Labels(int[] y, List<String> classes) {

    /** Encodes {@code column} of {@code t}; a missing value is an error naming the line. */
    public static Labels of(Table t, String column) {
        Column c = t.column(column);
        boolean numeric = c.type().isNumeric();
        TreeMap<Object, Integer> index = new TreeMap<>();
        for (int i = 0; i < t.rows(); i++) {
            if (c.isNull(i)) {
                throw new DataException("Label '" + column + "' is missing in row " + i
                        + (t.sourceLine(i) > 0 ? " (line " + t.sourceLine(i) + ")" : "") + "; every row needs a label");
            }
            index.putIfAbsent(numeric ? (Object) c.number(i) : c.text(i), 0);
        }
        List<String> names = new ArrayList<>();
        int k = 0;
        for (var e : index.entrySet()) {
            e.setValue(k++);
            names.add(name(e.getKey()));
        }
        int[] y = new int[t.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = index.get(numeric ? (Object) c.number(i) : c.text(i));
        }
        return new Labels(y, List.copyOf(names));
    }

    /** A class's label text: a whole number without its ".0", anything else as its text. */
    public static String name(Object key) {
        return key instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : key.toString();
    }

    public int classCount() {
        return classes.size();
    }

    /** Rows per class. */
    public static int[] counts(int[] y, int classes) {
        int[] n = new int[classes];
        for (int v : y) {
            n[v]++;
        }
        return n;
    }

    /** Classes with at least one row, from rows per class. */
    public static int present(int[] size) {
        int k = 0;
        for (int s : size) {
            k += s > 0 ? 1 : 0;
        }
        return k;
    }

    /** The rows of each class, ascending: {@code byClass(y, C)[c]} lists the rows i with y[i] = c. */
    public static int[][] byClass(int[] y, int classes) {
        int[] size = counts(y, classes);
        int[][] members = new int[classes][];
        for (int c = 0; c < classes; c++) {
            members[c] = new int[size[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < y.length; i++) {
            members[y[i]][fill[y[i]]++] = i;
        }
        return members;
    }

    /**
     * A stratified hold-out: rows {inner, held out}, each ascending. Class c with N_c ≥ 2 rows gives
     * min(N_c − 1, max(1, round(share · N_c))) rows; a class of one row stays inner.
     *
     * @throws IllegalArgumentException when share is outside (0, 1) or no class has two rows
     */
    public static int[][] holdOut(int[] y, int classes, double share, SplittableRandom rnd) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("held-out share must be in (0, 1), got " + share);
        }
        int[] size = counts(y, classes);
        int[][] members = byClass(y, classes);
        boolean[] held = new boolean[y.length];
        int nHeld = 0;
        for (int c = 0; c < classes; c++) {
            if (size[c] < 2) {
                continue;
            }
            int k = (int) Math.min(size[c] - 1, Math.max(1, Math.round(share * size[c])));
            int[] perm = Rand.permutation(size[c], rnd);
            for (int j = 0; j < k; j++) {
                held[members[c][perm[j]]] = true;
            }
            nHeld += k;
        }
        int[] inner = new int[y.length - nHeld];
        int[] val = new int[nHeld];
        int a = 0;
        int b = 0;
        for (int i = 0; i < y.length; i++) {
            if (held[i]) {
                val[b++] = i;
            } else {
                inner[a++] = i;
            }
        }
        if (val.length == 0) {
            throw new IllegalArgumentException(
                    "a held-out part needs a class with at least two rows; rows per class: " + Arrays.toString(size));
        }
        return new int[][] {inner, val};
    }
}
