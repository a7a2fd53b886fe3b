package ai.curator.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Stage;

class NearestNeighborThinningSelectorContractTest extends SelectorContractTest {
    @Override
    protected Stage selector(Budget budget) {
        return new NearestNeighborThinningSelector(new NearestNeighborThinningSelector.Options(budget, true, 40));
    }

    @Override
    protected StageHarness prepare(StageHarness h) {
        return h.embeddings(embeddings());
    }
}
