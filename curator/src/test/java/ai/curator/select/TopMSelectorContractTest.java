package ai.curator.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Stage;

class TopMSelectorContractTest extends SelectorContractTest {
  @Override
  protected Stage selector(Budget budget) {
    return new TopMSelector(new TopMSelector.Options(budget, "sigma", true));
  }

  @Override
  protected StageHarness prepare(StageHarness h) {
    h.putScore("sigma", sigma()); return h;
  }

  @Override
  protected boolean withReplacement() {
    return false;
  }

  @Override
  protected boolean deterministicMethod() {
    return true;
  }

  @Override
  protected boolean exactBudget() {
    return true;
  }

  /** A positive score per row, not constant. */
  static double[] sigma() {
    double[] s = new double[N];
    for (int i = 0; i < N; i++) {
      s[i] = 1 + (i * 37 % 11);
    }
    return s;
  }
}
