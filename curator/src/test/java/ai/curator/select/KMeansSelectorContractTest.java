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
    protected boolean exactBudget() {
        return false;
    }
}
