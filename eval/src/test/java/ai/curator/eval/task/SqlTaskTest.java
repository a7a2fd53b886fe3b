package ai.curator.eval.task;

import static ai.curator.eval.task.Examples.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.EvalTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlTaskTest {
    private final SqlTask task = new SqlTask(new SqlExecutor.Options(500L, 1000));

    private static final String CONTEXT = "CREATE TABLE table_1 (name VARCHAR, points INTEGER, team VARCHAR)";
    private static final String ROWS = "{\"table_1\": [{\"name\": \"ann\", \"points\": 3, \"team\": \"red\"},"
            + " {\"name\": \"bob\", \"points\": 5, \"team\": \"blue\"},"
            + " {\"name\": \"cy\", \"points\": 5, \"team\": \"red\"}]}";

    private static EvalTask.Example mock(String gold) {
        return Examples.of(gold, Map.of("context", CONTEXT, "data_table", ROWS));
    }

    @Test
    void exactIsTheStrippedString() {
        String gold = "SELECT COUNT(*) FROM t WHERE a = 'b'";
        assertTrue(ok(task.score(Examples.of(gold), "  " + gold + "\n"), "exact"));
        assertFalse(ok(task.score(Examples.of(gold), "select count(*) from t where a = 'b'"), "exact"));
        assertFalse(task.score(Examples.of(gold), gold).metrics().containsKey("execution"), "no mock tables");
    }

    @Test
    void normalizedIgnoresCaseWhiteSpaceAndQuoteStyle() {
        String gold = "SELECT COUNT(*) FROM t WHERE a = 'b'";
        for (String p : new String[] {
            "select count(*) from t where a = 'b'",
            "SELECT  COUNT( * )\nFROM t WHERE a='b';",
            "SELECT COUNT(*) FROM t WHERE a = \"b\"",
            "SELECT COUNT(*) FROM T WHERE A == 'b'"
        }) {
            assertTrue(ok(task.score(Examples.of(gold), p), "normalized"), p);
        }
        assertFalse(ok(task.score(Examples.of(gold), "SELECT COUNT(*) FROM t WHERE a = 'B'"), "normalized"));
        assertFalse(ok(task.score(Examples.of(gold), "SELECT COUNT(a) FROM t WHERE a = 'b'"), "normalized"));
        assertEquals(
                "select a from t where x <> 'it''s' and y >= 1.5",
                SqlNormalizer.normalize("SELECT a FROM t WHERE x != \"it's\" AND y>=1.5"));
    }

    @Test
    void executionComparesResultMultisets() {
        EvalTask.Example ex = mock("SELECT name FROM table_1 WHERE points = 5");
        assertTrue(ok(task.score(ex, "select NAME from TABLE_1 where points > 4"), "execution"));
        assertTrue(ok(task.score(ex, "SELECT name FROM table_1 WHERE points = 5 ORDER BY name DESC"), "execution"));
        EvalTask.Scored wrong = task.score(ex, "SELECT name FROM table_1 WHERE team = 'red'");
        assertFalse(ok(wrong, "execution"));
        assertEquals(null, wrong.error());
        // numbers by value: 5 = 5.0
        EvalTask.Example max = mock("SELECT MAX(points) FROM table_1");
        assertTrue(ok(task.score(max, "SELECT MAX(points) * 1.0 FROM table_1"), "execution"));
        // COUNT(*) vs count(*) and column order
        EvalTask.Example cnt = mock("SELECT COUNT(*) FROM table_1 WHERE team = 'red'");
        assertTrue(ok(task.score(cnt, "select count(*) from table_1 where team = \"red\""), "execution"));
        assertFalse(
                ok(task.score(mock("SELECT name, team FROM table_1"), "SELECT team, name FROM table_1"), "execution"));
    }

    @Test
    void aQueryThatErrorsIsWrongAndKeepsItsError() {
        EvalTask.Scored s = task.score(mock("SELECT name FROM table_1"), "SELECT nme FROM table_1");
        assertFalse(ok(s, "execution"));
        assertTrue(s.error().contains("no such column: nme"), s.error());
        EvalTask.Scored garbage = task.score(mock("SELECT name FROM table_1"), "SELEC name FROM");
        assertFalse(ok(garbage, "execution"));
        assertTrue(garbage.error().contains("not a query"), garbage.error());
        EvalTask.Scored syntax = task.score(mock("SELECT name FROM table_1"), "SELECT name FROM WHERE");
        assertTrue(syntax.error().contains("syntax error"), syntax.error());
    }

    @Test
    void theDatabaseIsReadOnlyAndCannotAttachFiles(@TempDir Path dir) {
        EvalTask.Scored del = task.score(mock("SELECT name FROM table_1"), "DELETE FROM table_1");
        assertFalse(ok(del, "execution"));
        SqlExecutor ex = new SqlExecutor(SqlExecutor.Options.defaults());
        MockDatabase db = MockDatabase.parse(CONTEXT, ROWS, "t");
        var r = ex.run(db, "WITH x AS (SELECT 1) DELETE FROM table_1 RETURNING name", "t");
        assertFalse(r.ok());
        assertTrue(
                r.error().contains("readonly")
                        || r.error().contains("read only")
                        || r.error().contains("not a query"),
                r.error());
        Path f = dir.resolve("evil.db");
        var a = ex.run(db, "ATTACH DATABASE '" + f + "' AS evil", "t");
        assertFalse(a.ok());
        assertFalse(Files.exists(f));
        // a second statement is refused, not run
        var two = ex.run(db, "SELECT 1; DROP TABLE table_1", "t");
        assertFalse(two.ok());
        assertEquals("more than one statement", two.error());
        assertTrue(ex.run(db, "SELECT COUNT(*) FROM table_1;", "t").ok(), "a trailing ';' is fine");
    }

    @Test
    void aRunawayQueryIsStopped() {
        long t0 = System.nanoTime();
        EvalTask.Scored loop = task.score(
                mock("SELECT name FROM table_1"),
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT MAX(x) FROM c");
        assertFalse(ok(loop, "execution"));
        assertTrue(loop.error().contains("timed out after 500 ms"), loop.error());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "bounded by the timeout");
        EvalTask.Scored many = task.score(
                mock("SELECT name FROM table_1"),
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000000) SELECT x FROM c");
        assertFalse(ok(many, "execution"));
        assertTrue(many.error().contains("more than 1000 rows"), many.error());
    }

    @Test
    void aMockRowThatDoesNotFitItsSchemaIsBadData(@TempDir Path dir) throws Exception {
        var e = assertThrows(
                DataException.class,
                () -> MockDatabase.parse(
                        CONTEXT, "{\"table_1\": [{\"name\": \"a\", \"colour\": \"red\"}]}", "f line 3 (id 7)"));
        assertEquals(
                "f line 3 (id 7): data_table.table_1[0] has column 'colour', which table table_1 does not have"
                        + " (columns: name, points, team)",
                e.getMessage());
        e = assertThrows(DataException.class, () -> MockDatabase.parse(CONTEXT, "{\"other\": []}", "w"));
        assertTrue(e.getMessage().contains("which the context does not create"), e.getMessage());
        e = assertThrows(
                DataException.class, () -> MockDatabase.parse(CONTEXT, "{\"table_1\": [{\"name\": [1]}]}", "w"));
        assertTrue(e.getMessage().contains("is array, expected a string, a number or null"), e.getMessage());
        Path f = dir.resolve("m.jsonl");
        Files.writeString(
                f,
                "{\"context\": \"" + CONTEXT + "\", \"question\": \"q\", \"sql_query\": \"select 1\","
                        + " \"data_table\": \"{\\\"table_1\\\": [{\\\"nam\\\": 1}]}\", \"idx\": 31005}\n");
        EvalTask.Example bad = task.examples(f).get(0);
        assertTrue(
                bad.fault().startsWith(f + " line 1 (id 31005): data_table.table_1[0] has column 'nam'"), bad.fault());
        EvalTask.Scored s = task.score(bad, "select 1");
        assertTrue(ok(s, "exact"));
        assertFalse(s.metrics().containsKey("execution"), "no execution accuracy on unusable tables");
        assertTrue(s.error().startsWith("no execution accuracy: " + f + " line 1"), s.error());
    }

    @Test
    void aContextSqliteCannotParseIsAFaultNamingTheRow(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.jsonl");
        Files.writeString(
                f,
                "{\"context\": \"CREATE TABLE t (prefix VARCHAR, group VARCHAR)\", \"question\": \"q\","
                        + " \"sql_query\": \"select prefix from t\", \"data_table\": \"{\\\"t\\\": []}\","
                        + " \"idx\": 9}\n");
        EvalTask.Example e = task.examples(f).get(0);
        assertTrue(e.fault().startsWith(f + " line 1 (id 9): cannot load the mock tables:"), e.fault());
        assertTrue(e.fault().contains("near \"group\": syntax error"), e.fault());
    }

    @Test
    void readsChatRowsAndMockRows(@TempDir Path dir) throws Exception {
        Path chat = dir.resolve("c.jsonl");
        String user = SqlTask.INSTRUCTION + "\\n\\n context: " + CONTEXT + "\\n\\n question: Who?";
        Files.writeString(
                chat,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user
                        + "\"},{\"role\":\"assistant\",\"content\":\"SELECT name FROM table_1\"}]}\n");
        var c = task.examples(chat).get(0);
        assertEquals("0", c.id());
        assertEquals("Who?", c.fields().get("question"));
        assertEquals(CONTEXT, c.fields().get("context"));
        assertEquals("SELECT name FROM table_1", c.reference());
        Path m = dir.resolve("m.jsonl");
        Files.writeString(
                m,
                "{\"context\": \"" + CONTEXT
                        + "\", \"question\": \"Who?\", \"sql_query\": \"select name from table_1\","
                        + " \"data_table\": "
                        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ROWS)
                        + ", \"idx\": 31005}\n");
        var mk = task.examples(m).get(0);
        assertEquals("31005", mk.id());
        assertEquals(c.promptText(), mk.promptText(), "HALO's wording for mock rows too");
        assertTrue(ok(task.score(mk, "SELECT name FROM table_1"), "execution"));
    }
}
