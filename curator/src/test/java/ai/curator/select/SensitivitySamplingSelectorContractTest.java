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
        h.putScore("sigma", sigma());
        return h;
    }

    @Override
    protected boolean withReplacement() {
        return true;
    }
}
