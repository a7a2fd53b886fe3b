package ai.curator.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Selection;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformSelectorTest {
  @Test
  void weightsAreNOverS() {
    Selection s = UniformSelector.select(10, 4, false, new SplittableRandom(1));
    assertEquals(4, s.size());
    for (double w : s.weights()) {
      assertEquals(2.5, w);
    }
  }

  @Test
  void everyRowIsEquallyLikely() {
    int n = 10;
    int[] hits = new int[n];
    int trials = 20_000;
    SplittableRandom rnd = new SplittableRandom(5);
    for (int t = 0; t < trials; t++) {
      for (int r : UniformSelector.select(n, 3, false, rnd).rows()) {
        hits[r]++;
      }
    }
    double expected = trials * 3.0 / n; // 6000, sd ≈ sqrt(6000·0.7) ≈ 65
    for (int h : hits) {
      assertTrue(Math.abs(h - expected) < 5 * 65, "hits " + h + " vs " + expected);
    }
  }

  @Test
  void estimatorIsUnbiasedWithReplacement() {
    double[] loss = {1, 2, 3, 10, 0.5, 7, 4, 4, 2, 9};
    SplittableRandom rnd = new SplittableRandom(11);
    Unbiased.assertUnbiased(loss, 4, 4000, () -> UniformSelector.select(loss.length, 4, true, rnd));
  }

  @Test
  void rejectsImpossibleDraws() {
    assertThrows(IllegalArgumentException.class, () -> UniformSelector.select(3, 4, false, new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> new UniformSelector.Options(null, null));
  }
}
