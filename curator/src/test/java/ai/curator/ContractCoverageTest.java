package ai.curator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.StageProvider;
import ai.curator.pipeline.StageRegistry;
import ai.curator.select.SelectorContractTest;
import org.junit.jupiter.api.Test;

/** Every registered selector has a {@link SelectorContractTest} subclass named after it. */
class ContractCoverageTest {
  @Test
  void everySelectorHasAContractTest() {
    for (StageProvider<?> p : StageRegistry.load().all()) {
      if (!p.role().equals("select")) {
        continue;
      }
      String stage = p.getClass().getEnclosingClass().getName();
      try {
        Class<?> test = Class.forName(stage + "ContractTest");
        assertTrue(SelectorContractTest.class.isAssignableFrom(test), test + " extends SelectorContractTest");
      } catch (ClassNotFoundException e) {
        throw new AssertionError("select: " + p.method() + " has no contract test " + stage + "ContractTest", e);
      }
    }
  }
}
