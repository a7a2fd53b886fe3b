package ai.curator.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.cli.CuratorCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end: the quickstart recipe with the real bundled encoder. */
class QuickstartIT {
    @TempDir
    Path out;

    @Test
    void quickstartEmbedsSelectsAndExports() throws Exception {
        Path recipe = TestFiles.repoRoot().resolve("recipes/quickstart.yaml");
        assertEquals(0, CuratorCli.commandLine().execute("run", "-q", "-o", out.toString(), recipe.toString()));
        List<String> rows = Files.readAllLines(out.resolve("subset.jsonl"));
        assertTrue(rows.size() >= 90 && rows.size() <= 100, "k-means keeps up to 100 rows, got " + rows.size());
        ObjectMapper m = new ObjectMapper();
        double total = 0;
        for (String r : rows) {
            JsonNode n = m.readTree(r);
            assertEquals("k_means", n.get("method").asText());
            total += n.get("weight").asDouble() * n.get("count").asInt();
        }
        assertEquals(1000.0, total, 1e-9, "cluster sizes add up to the data set");
        JsonNode prov = m.readTree(out.resolve("subset.parquet.provenance.json").toFile());
        assertEquals("bge-small-en", prov.at("/stages/1/details/model").asText());
        assertEquals(384, prov.at("/stages/1/details/dimension").asInt());
        // Read the Parquet and Arrow files back with readers other than the writing code: DuckDB's own
        // Parquet reader, and Arrow C++ (arrow-dataset's scanner, what pyarrow wraps) for the IPC file
        // that Arrow Java wrote.
        java.util.List<Long> ids = new java.util.ArrayList<>();
        for (String r : rows) {
            ids.add(m.readTree(r).get("id").asLong());
        }
        Class.forName("org.duckdb.DuckDBDriver");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT id, weight, method FROM read_parquet('"
                        + out.resolve("subset.parquet") + "') ORDER BY id")) {
            int i = 0;
            while (rs.next()) {
                assertEquals(ids.get(i++), rs.getLong(1));
                assertEquals("k_means", rs.getString(3));
            }
            assertEquals(ids.size(), i);
        }
        try (var alloc = new org.apache.arrow.memory.RootAllocator();
                var factory = new org.apache.arrow.dataset.file.FileSystemDatasetFactory(
                        alloc,
                        org.apache.arrow.dataset.jni.NativeMemoryPool.getDefault(),
                        org.apache.arrow.dataset.file.FileFormat.ARROW_IPC,
                        out.resolve("subset.arrow").toUri().toString());
                var dataset = factory.finish();
                var scanner = dataset.newScan(new org.apache.arrow.dataset.scanner.ScanOptions(1024));
                var reader = scanner.scanBatches()) {
            int i = 0;
            while (reader.loadNextBatch()) {
                var id = (org.apache.arrow.vector.BigIntVector)
                        reader.getVectorSchemaRoot().getVector("id");
                for (int r = 0; r < reader.getVectorSchemaRoot().getRowCount(); r++) {
                    assertEquals(ids.get(i++), id.get(r));
                }
            }
            assertEquals(ids.size(), i);
        }
    }
}
