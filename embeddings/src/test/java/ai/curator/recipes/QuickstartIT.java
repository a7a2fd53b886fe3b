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
  @TempDir Path out;

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
    assertTrue(Files.size(out.resolve("subset.arrow")) > 0);
  }
}
