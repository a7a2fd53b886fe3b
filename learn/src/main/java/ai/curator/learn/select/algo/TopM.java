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
