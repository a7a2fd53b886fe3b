package ai.curator.learn.select.algo;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The final subset of both ASSS selectors: the {@code m} rows with the largest score (ties → lower
 * row), with a <b>stratified floor of one row per class</b>: when {@code m} is at least the number
 * of classes present, every present class keeps its best-scored row — a class the top-M would
 * leave empty takes the place of the lowest-scored kept row of a class that keeps more than one.
 * When {@code m} is smaller than the number of classes present the floor cannot hold and the plain
 * top-M is returned ({@link Result#emptyClasses} says how many classes were left out).
 */
public final class TopM {
  private TopM() {}

  /**
   * @param rows the kept rows, ascending
   * @param emptyClasses present classes with no kept row (0 unless m &lt; classes present)
   * @param floorSwaps rows swapped in by the floor
   */
  public record Result(int[] rows, int emptyClasses, int floorSwaps) {}

  /**
   * Class-stratified top-M ({@code asss_bilevel}): each class gets a quota in proportion to its
   * size (largest remainder; at least one row per present class when m ≥ classes present), and
   * keeps its highest-scored rows. The selector then decides <em>which</em> rows of a class, not
   * how much of each class — without this, a selector's class-level preferences shift the trained
   * model's class priors (measured on shuttle: a whole 15% class dropped).
   */
  public static Result stratified(double[] score, int[] y, int classes, int m) {
    return topWithin(score, y, classes, classQuotas(y, classes, m));
  }

  /** Each class c keeps its {@code quota[c]} highest-scored rows (ties → lower row). */
  public static Result topWithin(double[] score, int[] y, int classes, int[] q) {
    int n = score.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
    int[] taken = new int[classes];
    boolean[] kept = new boolean[n];
    for (int i : order) {
      int c = y[i];
      if (taken[c] < q[c]) {
        kept[i] = true;
        taken[c]++;
      }
    }
    return new Result(IntStream.range(0, n).filter(i -> kept[i]).toArray(), emptyClasses(y, classes, taken), 0);
  }

  /**
   * Class-stratified sampling: the quotas of {@link #stratified}, each class's rows drawn without
   * replacement with probability ∝ score (Efraimidis–Spirakis). Keeps the whole class's coverage of
   * feature space, where top-M of a smooth score keeps one region of it.
   */
  public static Result stratifiedSample(double[] score, int[] y, int classes, int m, java.util.SplittableRandom rnd) {
    return sampleWithin(score, y, classes, classQuotas(y, classes, m), rnd);
  }

  /**
   * Each class c keeps {@code quota[c]} of its rows (at most its size), drawn without replacement
   * with probability ∝ score (Efraimidis–Spirakis; scores below 1e-12 count as 1e-12).
   */
  public static Result sampleWithin(double[] score, int[] y, int classes, int[] q, java.util.SplittableRandom rnd) {
    int n = score.length;
    boolean[] kept = new boolean[n];
    int[] taken = new int[classes];
    for (int c = 0; c < classes; c++) {
      final int cc = c;
      int[] rows = IntStream.range(0, n).filter(i -> y[i] == cc).toArray();
      double[] w = new double[rows.length];
      for (int j = 0; j < rows.length; j++) {
        w[j] = Math.max(1e-12, score[rows[j]]);
      }
      for (int j : ai.curator.linalg.Rand.weightedWithoutReplacement(w, q[c], rnd)) {
        kept[rows[j]] = true;
        taken[c]++;
      }
    }
    return new Result(IntStream.range(0, n).filter(i -> kept[i]).toArray(), emptyClasses(y, classes, taken), 0);
  }

  private static int emptyClasses(int[] y, int classes, int[] taken) {
    int[] size = Labels.counts(y, classes);
    int empty = 0;
    for (int c = 0; c < classes; c++) {
      empty += size[c] > 0 && taken[c] == 0 ? 1 : 0;
    }
    return empty;
  }

  /**
   * Rows per class: proportional to class sizes (largest remainder), at least one per present class
   * when m allows. Also the quotas of the benchmark's {@code uniform_stratified} control.
   */
  public static int[] classQuotas(int[] y, int classes, int m) {
    int n = y.length;
    if (m < 1 || m > n) {
      throw new IllegalArgumentException("top-M needs 1 <= m <= N = " + n + ", got " + m);
    }
    int[] size = Labels.counts(y, classes);
    int present = 0;
    for (int c : size) {
      present += c > 0 ? 1 : 0;
    }
    int[] quota = new int[classes];
    int rest = m;
    if (m >= present) {
      for (int c = 0; c < classes; c++) {
        if (size[c] > 0) {
          quota[c] = 1;
          rest--;
        }
      }
    }
    int[] left = new int[classes];
    for (int c = 0; c < classes; c++) {
      left[c] = size[c] - quota[c];
    }
    int[] extra = allocate(left, rest);
    for (int c = 0; c < classes; c++) {
      quota[c] += extra[c];
    }
    return quota;
  }

  /**
   * Class quotas from the selector's own class masses ({@code class_quota: learned}): class c's
   * share of the budget is ∝ Σ_{i∈c} p_i, capped at its size, with at least one row per present
   * class when m allows ({@link #cappedQuotas}). A selector that rates a rare class highly keeps
   * more of it than its share of the rows; one with p constant gives the proportional quotas of
   * {@link #classQuotas} (up to rounding).
   */
  public static int[] learnedQuotas(double[] p, int[] y, int classes, int m) {
    double[] mass = new double[classes];
    for (int i = 0; i < y.length; i++) {
      mass[y[i]] += Math.max(0, p[i]);
    }
    return cappedQuotas(mass, Labels.counts(y, classes), m);
  }

  /**
   * Class-balanced quotas ({@code uniform_balanced}): every present class gets the same share of
   * the budget, capped at its size, the rest shared equally among the classes that have rows left
   * (water-filling), so a class smaller than M/C is kept whole.
   */
  public static int[] balancedQuotas(int[] y, int classes, int m) {
    int[] size = Labels.counts(y, classes);
    double[] mass = new double[classes];
    for (int c = 0; c < classes; c++) {
      mass[c] = size[c] > 0 ? 1 : 0;
    }
    return cappedQuotas(mass, size, m);
  }

  /**
   * Allocates {@code m} rows over groups in proportion to {@code mass}, no group above its {@code
   * size}: one row to every present group first when m ≥ groups present (the stratified floor), then
   * the rest by water-filling — groups whose proportional share would exceed their room are filled,
   * the others share what is left in proportion to their mass — and largest remainder for the
   * integer part (ties: lower index). A present group of zero mass gets its floor row only; if
   * no group with room has mass the rest goes by room (size left). Σ result = m.
   *
   * @throws IllegalArgumentException when m is outside [1, Σ size] or a mass is negative or not finite
   */
  public static int[] cappedQuotas(double[] mass, int[] size, int m) {
    int groups = size.length;
    long n = 0;
    int present = 0;
    for (int c = 0; c < groups; c++) {
      n += size[c];
      present += size[c] > 0 ? 1 : 0;
      if (!(mass[c] >= 0) || Double.isInfinite(mass[c])) {
        throw new IllegalArgumentException("class masses must be finite and >= 0, got " + mass[c] + " for class " + c);
      }
    }
    if (m < 1 || m > n) {
      throw new IllegalArgumentException("quotas need 1 <= m <= N = " + n + ", got " + m);
    }
    int[] q = new int[groups];
    int rest = m;
    if (m >= present) {
      for (int c = 0; c < groups; c++) {
        if (size[c] > 0) {
          q[c] = 1;
          rest--;
        }
      }
    }
    double[] room = new double[groups];
    double[] w = new double[groups];
    double massLeft = 0;
    for (int c = 0; c < groups; c++) {
      room[c] = size[c] - q[c];
      w[c] = room[c] > 0 ? mass[c] : 0;
      massLeft += w[c];
    }
    if (massLeft == 0) {
      for (int c = 0; c < groups; c++) {
        w[c] = room[c];
      }
    }
    double[] share = new double[groups];
    boolean[] full = new boolean[groups];
    double toGive = rest;
    while (toGive > 1e-9) {
      double total = 0;
      for (int c = 0; c < groups; c++) {
        total += full[c] ? 0 : w[c];
      }
      if (total == 0) {
        break;
      }
      boolean capped = false;
      for (int c = 0; c < groups; c++) {
        if (!full[c] && w[c] > 0 && toGive * w[c] / total >= room[c] - share[c]) {
          toGive -= room[c] - share[c];
          share[c] = room[c];
          full[c] = true;
          capped = true;
        }
      }
      if (!capped) {
        for (int c = 0; c < groups; c++) {
          if (!full[c] && w[c] > 0) {
            share[c] += toGive * w[c] / total;
          }
        }
        toGive = 0;
      }
    }
    double[] rem = new double[groups];
    int given = 0;
    for (int c = 0; c < groups; c++) {
      int whole = (int) Math.min(room[c], Math.floor(share[c] + 1e-9));
      q[c] += whole;
      given += whole;
      rem[c] = share[c] - whole;
    }
    Integer[] ord = new Integer[groups];
    for (int c = 0; c < groups; c++) {
      ord[c] = c;
    }
    Arrays.sort(ord, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
    // the rounding leftover: one row each in order of remainder (room permitting), cycling if needed
    while (given < rest) {
      for (int c : ord) {
        if (given < rest && q[c] < size[c]) {
          q[c]++;
          given++;
        }
      }
    }
    return q;
  }

  /** Largest-remainder allocation of {@code m} over groups of sizes {@code size} (Σ size ≥ m). */
  public static int[] allocate(int[] size, int m) {
    long n = 0;
    for (int s : size) {
      n += s;
    }
    int[] q = new int[size.length];
    if (m <= 0 || n == 0) {
      return q;
    }
    double[] rem = new double[size.length];
    int given = 0;
    for (int c = 0; c < size.length; c++) {
      double exact = (double) m * size[c] / n;
      q[c] = (int) Math.floor(exact);
      rem[c] = exact - q[c];
      given += q[c];
    }
    Integer[] ord = new Integer[size.length];
    for (int c = 0; c < ord.length; c++) {
      ord[c] = c;
    }
    Arrays.sort(ord, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
    for (int j = 0; given < m; j = (j + 1) % ord.length) {
      int c = ord[j];
      if (q[c] < size[c]) {
        q[c]++;
        given++;
      }
    }
    return q;
  }

  /** Selects {@code m} (in [1, N]) rows by {@code score}, with the floor over labels {@code y}. */
  public static Result select(double[] score, int[] y, int classes, int m) {
    int n = score.length;
    if (m < 1 || m > n) {
      throw new IllegalArgumentException("top-M needs 1 <= m <= N = " + n + ", got " + m);
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
    boolean[] kept = new boolean[n];
    int[] keptPerClass = new int[classes];
    for (int j = 0; j < m; j++) {
      kept[order[j]] = true;
      keptPerClass[y[order[j]]]++;
    }
    int[] present = Labels.counts(y, classes);
    int presentClasses = 0;
    for (int c : present) {
      presentClasses += c > 0 ? 1 : 0;
    }
    int swaps = 0;
    if (m >= presentClasses) {
      int tail = m - 1; // candidate to drop: lowest-scored kept row
      for (int j = m; j < n; j++) {
        int r = order[j];
        if (keptPerClass[y[r]] > 0) {
          continue;
        }
        while (keptPerClass[y[order[tail]]] <= 1 || !kept[order[tail]]) {
          tail--;
        }
        kept[order[tail]] = false;
        keptPerClass[y[order[tail]]]--;
        kept[r] = true;
        keptPerClass[y[r]]++;
        swaps++;
      }
    }
    int empty = 0;
    for (int c = 0; c < classes; c++) {
      empty += present[c] > 0 && keptPerClass[c] == 0 ? 1 : 0;
    }
    int[] rows = IntStream.range(0, n).filter(i -> kept[i]).toArray();
    return new Result(rows, empty, swaps);
  }
}
