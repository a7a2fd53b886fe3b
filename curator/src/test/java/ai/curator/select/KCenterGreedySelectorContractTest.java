package ai.curator.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Stage;

class KCenterGreedySelectorContractTest extends SelectorContractTest {
    @Override
    protected Stage selector(Budget budget) {
        return new KCenterGreedySelector(new KCenterGreedySelector.Options(budget));
    }

    @Override
    protected StageHarness prepare(StageHarness h) {
        return h.embeddings(embeddings());
    }
}
