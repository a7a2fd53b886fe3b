package ai.curator.select;

import ai.curator.StageHarness;
import ai.curator.api.Budget;
import ai.curator.api.Column;
import ai.curator.api.Stage;
import ai.curator.api.Table;
import java.util.ArrayList;
import java.util.List;

/** The selector contract for {@code select: uniform} with {@code class_quota: equal} on a labelled table. */
class UniformSelectorClassQuotaContractTest extends SelectorContractTest {
    @Override
    protected Stage selector(Budget budget) {
        return new UniformSelector(new UniformSelector.Options(budget, false, "equal"));
    }

    @Override
    protected Table table() {
        Table t = super.table();
        long[] label = new long[N];
        for (int i = 0; i < N; i++) {
            label[i] = i % 10 == 0 ? 2 : i % 3 == 0 ? 1 : 0;
        }
        List<Column> cols = new ArrayList<>(t.columns());
        cols.add(Column.ofLongs("label", label, null));
        return new Table(cols, null, null);
    }

    @Override
    protected StageHarness prepare(StageHarness h) {
        return h.label("label");
    }
}
