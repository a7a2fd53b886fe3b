package ai.curator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.CuratorException;
import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.recipe.DatasetSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    private static DatasetSpec spec(String path, String id, String text, String label, List<String> features) {
        return new DatasetSpec(path, null, id, text, label, features);
    }

    private String message(Class<? extends CuratorException> type, DatasetSpec s) {
        return assertThrows(type, () -> DatasetLoader.load(s, dir.resolve(s.path())))
                .getMessage();
    }

    @Test
    void idsFromColumnFromIdFieldOrRowIndex() throws Exception {
        TestFiles.write(dir, "a.jsonl", "{\"key\":\"x\",\"q\":\"a\"}\n{\"key\":\"y\",\"q\":\"b\"}\n");
        Table named = DatasetLoader.load(spec("a.jsonl", "key", "{q}", null, null), dir.resolve("a.jsonl"));
        assertEquals("key", named.idColumn());
        assertEquals("y", named.idText(1));
        Table byIndex = DatasetLoader.load(spec("a.jsonl", null, null, null, null), dir.resolve("a.jsonl"));
        assertNull(byIndex.idColumn());
        assertEquals("1", byIndex.idText(1));
        TestFiles.write(dir, "b.jsonl", "{\"id\":10,\"q\":\"a\"}\n");
        assertEquals(
                "id",
                DatasetLoader.load(spec("b.jsonl", null, null, null, null), dir.resolve("b.jsonl"))
                        .idColumn());
    }

    @Test
    void missingAndEmptyFiles() throws Exception {
        assertTrue(message(DataException.class, spec("nope.jsonl", null, null, null, null))
                .contains("does not exist"));
        TestFiles.write(dir, "empty.jsonl", "\n\n");
        assertTrue(message(DataException.class, spec("empty.jsonl", null, null, null, null))
                .contains("has no rows"));
        TestFiles.write(dir, "empty.csv", "a,b\n");
        assertTrue(message(DataException.class, spec("empty.csv", null, null, null, null))
                .contains("has no rows"));
    }

    @Test
    void duplicateIdsNameBothLines() throws Exception {
        TestFiles.write(dir, "d.jsonl", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"a\"}\n");
        String m = message(DataException.class, spec("d.jsonl", null, null, null, null));
        assertTrue(m.contains("d.jsonl:3: duplicate id 'a' (first at " + dir.resolve("d.jsonl") + ":1)"), m);
    }

    @Test
    void unknownIdColumnAndTemplateField() throws Exception {
        TestFiles.write(dir, "a.jsonl", "{\"q\":\"a\"}\n");
        assertTrue(message(RecipeException.class, spec("a.jsonl", "key", null, null, null))
                .contains("dataset.id names column 'key'"));
        assertTrue(message(RecipeException.class, spec("a.jsonl", null, "{question}", null, null))
                .contains("uses field 'question'"));
    }

    @Test
    void tabularChecks() throws Exception {
        TestFiles.write(dir, "t.csv", "a,b,target\n1,2,0\n3,x,1\n");
        Table ok = DatasetLoader.load(spec("t.csv", null, null, "target", null), dir.resolve("t.csv"));
        DataException mixed = assertThrows(
                DataException.class,
                () -> DatasetLoader.featureColumns(
                        spec("t.csv", null, null, "target", null), ok, dir.resolve("t.csv")));
        assertTrue(
                mixed.getMessage()
                        .contains("Column 'b' of " + dir.resolve("t.csv") + " holds 1 number and 1 non-numeric value"
                                + " (first at " + dir.resolve("t.csv") + ":3: 'x'), so it is read as text and would be"
                                + " left out of the features"),
                "a numeric column with one bad cell is not dropped without a word: " + mixed.getMessage());
        assertEquals(
                List.of("a", "b"),
                DatasetLoader.featureColumns(spec("t.csv", null, null, "target", List.of("a", "b")), ok),
                "listed features are taken as listed");
        String nonNumeric = message(DataException.class, spec("t.csv", null, null, "target", List.of("a", "b")));
        assertTrue(nonNumeric.contains("t.csv:3: feature column 'b' is not numeric (row 1 has 'x')"), nonNumeric);
        TestFiles.write(dir, "nan.csv", "a,target\n1,0\nnan,1\n");
        String nan = message(DataException.class, spec("nan.csv", null, null, "target", null));
        assertTrue(nan.contains("nan.csv:3: feature 'a' is NaN in row 1"), nan);
        TestFiles.write(dir, "inf.tsv", "a\ttarget\n1\t0\n-inf\t1\n");
        assertTrue(message(DataException.class, spec("inf.tsv", null, null, "target", null))
                .contains("is -Infinity"));
        assertTrue(message(RecipeException.class, spec("t.csv", null, null, "label", null))
                .contains("dataset.label names column 'label'"));
    }

    @Test
    void byteOrderMarkedCsvFindsItsIdColumn() throws Exception {
        Path f = dir.resolve("bom.csv");
        java.nio.file.Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        java.nio.file.Files.writeString(f, "id,q\nr7,a\nr9,b\n", java.nio.file.StandardOpenOption.APPEND);
        Table t = DatasetLoader.load(spec("bom.csv", "id", null, null, null), f);
        assertEquals("id", t.idColumn());
        assertEquals("r9", t.idText(1));
        assertEquals(
                "id",
                DatasetLoader.load(spec("bom.csv", null, null, null, null), f).idColumn());
    }

    @Test
    void idsDoNotCollideAfterTypeConversion() throws Exception {
        TestFiles.write(dir, "ids.csv", "id,q\n007,a\n7,b\n-0,c\n0,d\n");
        Table t = DatasetLoader.load(spec("ids.csv", null, null, null, null), dir.resolve("ids.csv"));
        assertEquals(List.of("007", "7", "-0", "0"), List.of(t.idText(0), t.idText(1), t.idText(2), t.idText(3)));
        TestFiles.write(dir, "dup.csv", "key,q\n07,a\n07,b\n");
        assertTrue(message(DataException.class, spec("dup.csv", "key", null, null, null))
                .contains("duplicate id '07'"));
    }

    @Test
    void featureBeyondADoubleNamesTheCell() throws Exception {
        TestFiles.write(dir, "big.csv", "a,b,target\n1,2,0\n3,1e400,1\n4,5,0\n");
        Table t = DatasetLoader.load(spec("big.csv", null, null, "target", null), dir.resolve("big.csv"));
        DataException e = assertThrows(
                DataException.class,
                () -> DatasetLoader.featureColumns(
                        spec("big.csv", null, null, "target", null), t, dir.resolve("big.csv")));
        assertTrue(e.getMessage().contains("big.csv:3: '1e400'"), e.getMessage());
    }

    @Test
    void nullsInArrowAndParquetColumnsAreNamed() throws Exception {
        java.util.BitSet missing = new java.util.BitSet();
        missing.set(1);
        List<ai.curator.api.Column> cols = List.of(
                ai.curator.api.Column.ofStrings("id", new String[] {"a", null, "c"}),
                ai.curator.api.Column.ofDoubles("f", new double[] {1, 0, 3}, missing),
                ai.curator.api.Column.ofLongs("target", new long[] {0, 1, 0}, null));
        Path arrow = dir.resolve("n.arrow");
        try (var out = java.nio.file.Files.newOutputStream(arrow)) {
            ai.curator.io.ArrowIo.writeIpc(cols, 3, out);
        }
        assertTrue(message(DataException.class, spec("n.arrow", null, null, null, null))
                .contains("n.arrow (row 1): row 1 has no id in column 'id'"));
        Path parquet = dir.resolve("n.parquet");
        ai.curator.io.ArrowIo.writeParquet(
                List.of(ai.curator.api.Column.ofStrings("k", new String[] {"a", "b", "c"}), cols.get(1), cols.get(2)),
                3,
                parquet);
        assertTrue(message(DataException.class, spec("n.parquet", "k", null, "target", null))
                .contains("n.parquet (row 1): feature 'f' is missing in row 1"));
    }

    @Test
    void jsonlIdsThatMixNumbersAndTextOrOverflowAreNamed() throws Exception {
        TestFiles.write(dir, "mixed.jsonl", "{\"id\":1,\"q\":\"a\"}\n{\"id\":\"1\",\"q\":\"b\"}\n");
        String m = message(DataException.class, spec("mixed.jsonl", null, null, null, null));
        assertTrue(
                m.contains("Id column 'id' of " + dir.resolve("mixed.jsonl") + " mixes numbers and text (1 at "
                        + dir.resolve("mixed.jsonl") + ":1, \"1\" at " + dir.resolve("mixed.jsonl") + ":2)"),
                m);
        TestFiles.write(
                dir,
                "big.jsonl",
                "{\"id\":18446744073709551617,\"q\":\"a\"}\n{\"id\":18446744073709551618,\"q\":\"b\"}\n");
        String big = message(DataException.class, spec("big.jsonl", null, null, null, null));
        assertTrue(big.contains("integers beyond ±9.2e18 are read as floats and would lose digits: quote them"), big);
    }
}
