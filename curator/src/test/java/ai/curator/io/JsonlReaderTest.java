package ai.curator.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.Column;
import ai.curator.api.DataException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReaderTest {
    @TempDir
    Path dir;

    @Test
    void infersTypesAndKeepsNestedValuesAsJson() throws Exception {
        Path f = TestFiles.write(
                dir,
                "a.jsonl",
                "{\"q\":\"hi\",\"n\":1,\"x\":1.5,\"ok\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}\n"
                        + "\n"
                        + "{\"q\":\"ü\",\"n\":2,\"x\":2,\"ok\":false,\"messages\":[],\"extra\":\"late\"}\n");
        RawTable t = JsonlReader.read(f);
        assertEquals(2, t.rows());
        assertEquals(Column.Type.STRING, t.columns().get(0).type());
        assertEquals(Column.Type.INT64, t.columns().get(1).type());
        assertEquals(Column.Type.FLOAT64, t.columns().get(2).type());
        assertEquals(Column.Type.BOOL, t.columns().get(3).type());
        Column messages = t.columns().get(4);
        assertEquals(Column.Type.JSON, messages.type());
        assertEquals("[{\"role\":\"user\",\"content\":\"a\"}]", messages.string(0));
        Column extra = t.columns().get(5);
        assertTrue(extra.isNull(0));
        assertEquals("late", extra.string(1));
        assertEquals(3, t.lines()[1], "blank lines count toward line numbers");
    }

    @Test
    void mixedTypesBecomeJson() throws Exception {
        Path f = TestFiles.write(dir, "m.jsonl", "{\"v\":1}\n{\"v\":\"one\"}\n{\"v\":null}\n");
        Column v = JsonlReader.read(f).columns().get(0);
        assertEquals(Column.Type.JSON, v.type());
        assertEquals("1", v.string(0));
        assertEquals("\"one\"", v.string(1));
        assertNull(v.string(2));
    }

    @Test
    void malformedLineNamesFileAndLine() throws Exception {
        Path f = TestFiles.write(dir, "bad.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\": oops}\n");
        DataException e = assertThrows(DataException.class, () -> JsonlReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ":3: malformed JSON"), e.getMessage());
    }

    @Test
    void nonObjectLineIsAnError() throws Exception {
        Path f = TestFiles.write(dir, "arr.jsonl", "{\"a\":1}\n[1,2]\n");
        DataException e = assertThrows(DataException.class, () -> JsonlReader.read(f));
        assertTrue(e.getMessage().contains(":2: expected a JSON object per line, found array"), e.getMessage());
    }

    @Test
    void readsGzip() throws Exception {
        Path f = TestFiles.write(dir, "a.jsonl.gz", "{\"a\":1}\n{\"a\":2}\n");
        assertEquals(2, JsonlReader.read(f).rows());
    }

    @Test
    void invalidUtf8FailsNamingFileLineAndByteOffset() throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write("{\"q\":\"ok\"}\n{\"q\":\"caf".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        b.write(0xE9);
        b.write("\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path f = dir.resolve("bad.jsonl");
        java.nio.file.Files.write(f, b.toByteArray());
        DataException e = assertThrows(DataException.class, () -> JsonlReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: invalid UTF-8 (0xE9 at byte offset 20)"), e.getMessage());
    }

    @Test
    void numberBeyondADoubleFailsInsteadOfBecomingInfinity() throws Exception {
        Path f = TestFiles.write(dir, "big.jsonl", "{\"x\":1.5}\n{\"x\":1e400}\n");
        DataException e = assertThrows(DataException.class, () -> JsonlReader.read(f));
        assertTrue(
                e.getMessage().contains(f + ":2: field 'x' holds a number beyond the range of a 64-bit float"),
                e.getMessage());
        Path nested = TestFiles.write(dir, "nested.jsonl", "{\"m\":[{\"v\":-1e999}]}\n");
        assertTrue(assertThrows(DataException.class, () -> JsonlReader.read(nested))
                .getMessage()
                .contains(":1: field 'm' holds a number beyond"));
    }

    @Test
    void veryLongLineIsData() throws Exception {
        String big = "x".repeat(21_000_000); // above Jackson's default 20 M-character cap
        Path f = TestFiles.write(dir, "long.jsonl", "{\"q\":\"" + big + "\"}\n");
        assertEquals(
                big.length(), JsonlReader.read(f).columns().get(0).string(0).length());
    }
}
