package ai.curator.learn.select.algo;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Table;
import java.util.ArrayList;
import java.util.List;
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
      Object key = e.getKey();
      names.add(key instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : key.toString());
    }
    int[] y = new int[t.rows()];
    for (int i = 0; i < y.length; i++) {
      y[i] = index.get(numeric ? (Object) c.number(i) : c.text(i));
    }
    return new Labels(y, List.copyOf(names));
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
}
