package ai.curator.select;

import ai.curator.api.Budget;
import ai.curator.api.Stage;

class UniformSelectorContractTest extends SelectorContractTest {
    @Override
    protected Stage selector(Budget budget) {
        return new UniformSelector(new UniformSelector.Options(budget, false));
    }
}
