package ai.curator.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.curator.StageHarness;
import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureEmbedderTest {
    private static Table table() {
        return new Table(
                List.of(
                        Column.ofLongs("a", new long[] {1, 2, 3, 4}, null),
                        Column.ofDoubles("b", new double[] {5, 5, 5, 5}, null),
                        Column.ofLongs("target", new long[] {0, 1, 0, 1}, null)),
                null,
                null);
    }

    @Test
    void zScoresFeaturesButNotTheLabel() {
        StageHarness h = new StageHarness(table(), 1, null).label("target");
        h.run(new FeatureEmbedder(new FeatureEmbedder.Options(null, null)));
        FloatMatrix m = h.embeddings().orElseThrow();
        assertEquals(4, m.rows());
        assertEquals(2, m.cols(), "a and b; target is the label");
        double sd = Math.sqrt(1.25); // population sd of 1..4
        assertEquals((1 - 2.5) / sd, m.get(0, 0), 1e-6);
        assertEquals((4 - 2.5) / sd, m.get(3, 0), 1e-6);
        assertEquals(0.0, m.get(2, 1), "a constant column becomes zeros");
    }

    @Test
    void rawValuesWhenNotStandardized() {
        StageHarness h = new StageHarness(table(), 1, null).label("target");
        h.run(new FeatureEmbedder(new FeatureEmbedder.Options(List.of("a"), false)));
        assertEquals(3.0, h.embeddings().orElseThrow().get(2, 0));
    }

    @Test
    void missingValueIsAnError() {
        BitSet nulls = new BitSet();
        nulls.set(2);
        Table t = new Table(List.of(Column.ofDoubles("a", new double[] {1, 2, 0}, nulls)), null, new long[] {2, 3, 4});
        DataException e = assertThrows(DataException.class, () -> FeatureEmbedder.matrix(t, List.of("a"), true));
        assertEquals("Feature 'a' is missing in row 2 (line 4); features must be finite", e.getMessage());
    }
}
