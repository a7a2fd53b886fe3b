package ai.curator.learn.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.learn.select.algo.TopM;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The capped class quotas of {@code asss_bilevel_balanced} and {@code uniform_balanced}, checked by hand. */
class ClassQuotasTest {
  @Test
  void equalMassesWaterFillAroundSmallClasses() {
    // sizes 100, 30, 4, 0; m = 40: floors 1, 1, 1; 37 left over rooms 99, 29, 3 -> class 2 filled (3),
    // 34 shared equally by classes 0 and 1 -> 17 each. Quotas 18, 18, 4, 0.
    assertArrayEquals(new int[] {18, 18, 4, 0}, TopM.cappedQuotas(new double[] {1, 1, 1, 0}, new int[] {100, 30, 4, 0}, 40));
    // a second cap: m = 80 -> class 2 whole (4), class 1 whole (30), class 0 takes the other 46
    assertArrayEquals(new int[] {46, 30, 4, 0}, TopM.cappedQuotas(new double[] {1, 1, 1, 0}, new int[] {100, 30, 4, 0}, 80));
  }

  @Test
  void quotasFollowMassesAndRoundByLargestRemainder() {
    // masses 3:1 over rooms 9, 9 (after floors) with 8 to give: shares 6 and 2 -> 7, 3
    assertArrayEquals(new int[] {7, 3}, TopM.cappedQuotas(new double[] {3, 1}, new int[] {10, 10}, 10));
    // masses 1:1:1 and 2 to give after floors: shares 2/3 each, remainders tie -> lower index first
    assertArrayEquals(new int[] {2, 2, 1}, TopM.cappedQuotas(new double[] {1, 1, 1}, new int[] {5, 5, 5}, 5));
    // a zero-mass class keeps its floor row only
    assertArrayEquals(new int[] {9, 1}, TopM.cappedQuotas(new double[] {1, 0}, new int[] {10, 10}, 10));
    // no mass anywhere: the rest goes by room (sizes)
    assertArrayEquals(new int[] {6, 2}, TopM.cappedQuotas(new double[] {0, 0}, new int[] {15, 5}, 8));
    // budget below the classes present: no floor
    assertArrayEquals(new int[] {1, 0, 0}, TopM.cappedQuotas(new double[] {5, 1, 1}, new int[] {5, 5, 5}, 1));
  }

  @Test
  void quotasAlwaysSumToTheBudgetAndRespectSizes() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 2000; trial++) {
      int g = 1 + r.nextInt(8);
      int[] size = new int[g];
      double[] mass = new double[g];
      int n = 0;
      for (int c = 0; c < g; c++) {
        size[c] = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextInt(200);
        mass[c] = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 10;
        n += size[c];
      }
      if (n == 0) {
        continue;
      }
      int m = 1 + r.nextInt(n);
      int[] q = TopM.cappedQuotas(mass, size, m);
      assertEquals(m, Arrays.stream(q).sum(), "sum of quotas, trial " + trial);
      int present = (int) Arrays.stream(size).filter(s -> s > 0).count();
      for (int c = 0; c < g; c++) {
        assertTrue(q[c] >= 0 && q[c] <= size[c], "quota within class size, trial " + trial);
        if (m >= present && size[c] > 0) {
          assertTrue(q[c] >= 1, "floor of one row per present class, trial " + trial);
        }
      }
    }
  }

  @Test
  void learnedQuotasWithConstantPAreTheProportionalOnes() {
    int[] y = new int[1000];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 10 == 0 ? 2 : i % 3 == 0 ? 1 : 0;
    }
    double[] p = new double[y.length];
    Arrays.fill(p, 0.3);
    assertArrayEquals(TopM.classQuotas(y, 3, 300), TopM.learnedQuotas(p, y, 3, 300));
    // p = 1 on class 2 only: class 2 kept whole (100 rows), the others their floor row and the rest by room
    for (int i = 0; i < y.length; i++) {
      p[i] = y[i] == 2 ? 1 : 0;
    }
    int[] q = TopM.learnedQuotas(p, y, 3, 300);
    assertEquals(100, q[2]);
    assertEquals(300, Arrays.stream(q).sum());
  }

  @Test
  void balancedQuotasGiveEveryClassTheSameUnlessItIsSmaller() {
    int[] y = new int[130];
    for (int i = 0; i < y.length; i++) {
      y[i] = i < 100 ? 0 : i < 125 ? 1 : 2;
    }
    assertArrayEquals(new int[] {10, 10, 5}, TopM.balancedQuotas(y, 3, 25));
  }

  @Test
  void badInputIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> TopM.cappedQuotas(new double[] {1, -1}, new int[] {2, 2}, 2));
    assertTrue(e.getMessage().contains("class 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TopM.cappedQuotas(new double[] {1, Double.NaN}, new int[] {2, 2}, 2));
    assertThrows(IllegalArgumentException.class, () -> TopM.cappedQuotas(new double[] {1, 1}, new int[] {2, 2}, 5));
    assertThrows(IllegalArgumentException.class, () -> TopM.cappedQuotas(new double[] {1, 1}, new int[] {2, 2}, 0));
  }
}
