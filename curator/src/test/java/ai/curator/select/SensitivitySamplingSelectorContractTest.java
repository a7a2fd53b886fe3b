package ai.curator.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Stage;

class SensitivitySamplingSelectorContractTest extends SelectorContractTest {
  @Override
  protected Stage selector(Budget budget) {
    return new SensitivitySamplingSelector(new SensitivitySamplingSelector.Options(budget, null));
  }

  @Override
  protected StageHarness prepare(StageHarness h) {
    h.putScore("sigma", sigma()); return h;
  }

  @Override
  protected boolean withReplacement() {
    return true;
  }

  @Override
  protected boolean deterministicMethod() {
    return false;
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
