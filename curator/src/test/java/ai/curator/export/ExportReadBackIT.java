package ai.curator.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.cli.CuratorCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the bundled uniform GSM8K recipe and reads its outputs back with readers other than the
 * writing code: DuckDB (its own C++ Parquet reader) for Parquet, Arrow C++ (through
 * arrow-dataset's JNI scanner, the library pyarrow wraps) for the Arrow IPC file that Arrow Java
 * wrote, and plain Jackson for JSONL. All three must agree row by row.
 */
class ExportReadBackIT {
    @TempDir
    static Path out;

    static List<JsonNode> jsonl = new ArrayList<>();

    @BeforeAll
    static void runUniformRecipe() throws Exception {
        Path recipe = TestFiles.repoRoot().resolve("recipes/gsm8k-1k-uniform.yaml");
        int code = CuratorCli.commandLine().execute("run", "-q", "-o", out.toString(), recipe.toString());
        assertEquals(0, code);
        ObjectMapper m = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("subset.jsonl"), StandardCharsets.UTF_8)) {
            jsonl.add(m.readTree(line));
        }
    }

    @Test
    void jsonlHasOneSchemaForDatasetsLoaders() {
        assertEquals(100, jsonl.size());
        Set<String> keys = null;
        for (JsonNode row : jsonl) {
            Set<String> k = new TreeSet<>();
            row.fieldNames().forEachRemaining(k::add);
            if (keys == null) {
                keys = k;
            }
            assertEquals(keys, k, "every row has the same fields");
            assertTrue(row.get("id").isIntegralNumber());
            assertTrue(row.get("question").isTextual());
            assertEquals(10.0, row.get("weight").asDouble());
            assertEquals(1, row.get("count").asInt());
            assertEquals("uniform", row.get("method").asText());
        }
        assertEquals(Set.of("answer", "count", "id", "method", "question", "weight"), keys);
    }

    @Test
    void duckdbReadsTheParquetFile() throws Exception {
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, question, answer, weight, count, method FROM read_parquet('"
                        + out.resolve("subset.parquet") + "') ORDER BY id")) {
            int i = 0;
            while (rs.next()) {
                JsonNode row = jsonl.get(i++);
                assertEquals(row.get("id").asLong(), rs.getLong(1));
                assertEquals(row.get("question").asText(), rs.getString(2));
                assertEquals(row.get("answer").asText(), rs.getString(3));
                assertEquals(row.get("weight").asDouble(), rs.getDouble(4));
                assertEquals(row.get("count").asLong(), rs.getLong(5));
                assertEquals("uniform", rs.getString(6));
            }
            assertEquals(100, i);
        }
    }

    @Test
    void arrowCppReadsTheIpcFile() throws Exception {
        String uri = out.resolve("subset.arrow").toUri().toString();
        try (RootAllocator alloc = new RootAllocator();
                var factory =
                        new FileSystemDatasetFactory(alloc, NativeMemoryPool.getDefault(), FileFormat.ARROW_IPC, uri);
                var dataset = factory.finish();
                var scanner = dataset.newScan(new ScanOptions(1024));
                ArrowReader reader = scanner.scanBatches()) {
            int i = 0;
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                BigIntVector id = (BigIntVector) root.getVector("id");
                VarCharVector q = (VarCharVector) root.getVector("question");
                Float8Vector w = (Float8Vector) root.getVector("weight");
                for (int r = 0; r < root.getRowCount(); r++) {
                    JsonNode row = jsonl.get(i++);
                    assertEquals(row.get("id").asLong(), id.get(r));
                    assertEquals(row.get("question").asText(), new String(q.get(r), StandardCharsets.UTF_8));
                    assertEquals(row.get("weight").asDouble(), w.get(r));
                }
            }
            assertEquals(100, i);
        }
    }

    @Test
    void provenanceBesideEveryOutput() throws Exception {
        for (String f : new String[] {"subset.jsonl", "subset.parquet", "subset.arrow"}) {
            JsonNode p = new ObjectMapper()
                    .readTree(out.resolve(f + ".provenance.json").toFile());
            assertEquals(f, p.at("/output/file").asText());
            assertEquals(
                    "73e81c100d0c321f074b5740e4365cad29bae7577d770d7f9cce722f00b4ff3e",
                    p.at("/inputs/0/sha256").asText(),
                    "sha256 of data/gsm8k/train-1k.jsonl");
            assertEquals(1000, p.at("/inputs/0/rows").asInt());
        }
    }

    @Test
    void duckdbSeesChatMessagesAsAListOfStructs(@TempDir Path dir) throws Exception {
        TestFiles.write(
                dir,
                "chat.jsonl",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Write SQL\"},{\"role\":\"assistant\",\"content\":\"SELECT 1\"}]}\n"
                        + "{\"messages\":[{\"role\":\"user\",\"content\":\"Again\"},{\"role\":\"assistant\",\"content\":\"SELECT 2\"}]}\n");
        Path r = TestFiles.write(
                dir,
                "chat.yaml",
                "dataset: {path: chat.jsonl, text: \"{messages}\"}\n"
                        + "stages:\n  - export: {formats: [parquet]}\noutput: out\n");
        assertEquals(0, CuratorCli.commandLine().execute("run", "-q", r.toString()));
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT id, messages[2].role, messages[2].content, len(messages) FROM read_parquet('"
                                + dir.resolve("out/subset.parquet") + "') ORDER BY id")) {
            assertTrue(rs.next());
            assertEquals("assistant", rs.getString(2));
            assertEquals("SELECT 1", rs.getString(3));
            assertEquals(2, rs.getInt(4));
            assertTrue(rs.next());
            assertEquals("SELECT 2", rs.getString(3));
        }
    }

    @Test
    void readsParquetThatAnotherToolWrote(@TempDir Path dir) throws Exception {
        Path pq = dir.resolve("foreign.parquet");
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT i AS id, 'q' || i AS question, i * 0.5 AS score, "
                    + "[{'role': 'user', 'content': 'q' || i}, {'role': 'assistant', 'content': 'a' || i}] AS messages "
                    + "FROM range(5) t(i)) TO '" + pq + "' (FORMAT PARQUET)");
        }
        Path r = TestFiles.write(
                dir,
                "f.yaml",
                "dataset: {path: foreign.parquet, text: \"{question}\"}\n"
                        + "stages:\n  - export: {formats: [jsonl]}\noutput: out\n");
        assertEquals(0, CuratorCli.commandLine().execute("run", "-q", r.toString()));
        List<String> lines = Files.readAllLines(dir.resolve("out/subset.jsonl"));
        assertEquals(5, lines.size());
        JsonNode row = new ObjectMapper().readTree(lines.get(3));
        assertEquals(3, row.get("id").asLong());
        assertEquals("q3", row.get("question").asText());
        assertEquals(1.5, row.get("score").asDouble());
        assertEquals("assistant", row.at("/messages/1/role").asText());
        assertEquals("a3", row.at("/messages/1/content").asText());
    }
}
