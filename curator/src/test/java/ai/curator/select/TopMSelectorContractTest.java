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
        h.putScore("sigma", sigma());
        return h;
    }

    @Override
    protected boolean deterministicMethod() {
        return true;
    }
}
