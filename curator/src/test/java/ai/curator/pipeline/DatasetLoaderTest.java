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
        assertEquals(
                List.of("a"),
                DatasetLoader.featureColumns(spec("t.csv", null, null, "target", null), ok),
                "default features are the numeric columns but the label");
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
}
