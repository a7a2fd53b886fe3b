package ai.curator.learn.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Stage;
import ai.curator.api.Table;
import ai.curator.select.SelectorContractTest;
import java.util.List;

class AsssSelectorContractTest extends SelectorContractTest {
    @Override
    protected Stage selector(Budget budget) {
        return new AsssSelector(new AsssSelector.Options(
                budget, null, null, 1, 64, null, null, null, null, null, null, List.of(8, 8), List.of(8, 8), 1, null));
    }

    @Override
    protected Table table() {
        return LabelledContract.table();
    }

    @Override
    protected StageHarness prepare(StageHarness h) {
        return h.embeddings(embeddings()).label("label");
    }
}
