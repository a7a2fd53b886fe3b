package ai.curator.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Stage;

class KMeansSelectorContractTest extends SelectorContractTest {
  @Override
  protected Stage selector(Budget budget) {
    return new KMeansSelector(new KMeansSelector.Options(budget, 50, 1));
  }

  @Override
  protected StageHarness prepare(StageHarness h) {
    return h.embeddings(embeddings());
  }

  @Override
  protected boolean withReplacement() {
    return false;
  }

  @Override
  protected boolean deterministicMethod() {
    return false;
  }

  @Override
  protected boolean exactBudget() {
    return false;
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
