package ai.curator.select;

import ai.curator.api.Budget;
import ai.curator.api.Stage;

class UniformSelectorReplaceContractTest extends SelectorContractTest {
    @Override
    protected Stage selector(Budget budget) {
        return new UniformSelector(new UniformSelector.Options(budget, true));
    }

    @Override
    protected boolean withReplacement() {
        return true;
    }
}
