package ai.curator.learn.select;

import ai.curator.api.Column;
import ai.curator.api.Table;
import ai.curator.select.SelectorContractTest;
import java.util.List;

/** The contract's table with a two-class label column, as the learned selectors need. */
final class LabelledContract {
    private LabelledContract() {}

    static Table table() {
        String[] text = new String[SelectorContractTest_N.N];
        double[] x = new double[text.length];
        long[] label = new long[text.length];
        for (int i = 0; i < text.length; i++) {
            text[i] = "row " + i;
            x[i] = Math.sin(i) * 10;
            label[i] = x[i] > 2 ? 1 : 0;
        }
        return new Table(
                List.of(
                        Column.ofStrings("text", text),
                        Column.ofDoubles("x", x, null),
                        Column.ofLongs("label", label, null)),
                null,
                null);
    }

    /** Exposes the contract's row count. */
    abstract static class SelectorContractTest_N extends SelectorContractTest {
        static final int N = SelectorContractTest.N;
    }
}
