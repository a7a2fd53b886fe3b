package ai.curator.learn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.cli.CuratorCli;
import ai.curator.learn.cli.TabularBenchCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Real data end to end: the bundled 2k-row shuttle slice through the benchmark and through a recipe. */
class TabularBenchIT {
  private static final Path SLICE = TestFiles.repoRoot().resolve("data/shuttle/shuttle-2k.tsv.gz");

  @TempDir
  Path dir;

  @Test
  void everyMethodRunsOnTheShuttleSlice() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new TabularBenchCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("--data", SLICE.toString(), "--out", dir.toString(), "--folds", "2", "--repeats", "1",
        "--epochs", "5", "--asss-epochs", "2", "--warmup-epochs", "1", "--hidden", "32,16", "-q");
    assertEquals(0, code, err.toString());
    JsonNode j = new ObjectMapper().readTree(dir.resolve("shuttle-2k.json").toFile());
    assertEquals(8, j.get("summary").size());
    for (JsonNode s : j.get("summary")) {
      double prr = s.get("prrAccuracy").get("mean").asDouble();
      // a correctness check, not a quality bar (5 epochs on ~700 training rows): finite and positive
      assertTrue(prr > 0 && prr < 3, s.get("method") + " accuracy PRR " + prr);
    }
    assertEquals(16, j.get("splits").size());
    assertTrue(j.get("selector_traces_first_split").has("asss"));
    for (String f : new String[] {"shuttle-2k.md", "shuttle-2k-folds.csv", "shuttle-2k-summary.csv", "shuttle-2k-prr.png",
        "shuttle-2k-asss-p-histogram.png", "shuttle-2k-asss_bilevel-class-fraction.png"}) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
  }

  @Test
  void asssRunsInARecipe() throws Exception {
    Path recipe = dir.resolve("asss.yaml");
    Files.writeString(recipe, """
        name: asss-it
        seed: 7
        dataset: {path: %s, label: target}
        stages:
          - embed: {method: features}
          - select: {method: asss, budget: 0.3, epochs: 1, warmup_epochs: 1, task_hidden: [16, 8], selector_hidden: [8, 8]}
          - export: {formats: [jsonl]}
        output: %s
        """.formatted(SLICE, dir.resolve("out")));
    StringWriter err = new StringWriter();
    CommandLine cl = CuratorCli.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute("run", recipe.toString(), "-q"), err.toString());
    long lines = Files.readAllLines(dir.resolve("out/subset.jsonl")).size();
    assertEquals(Math.round(0.3 * 2013), lines);
    assertTrue(Files.size(dir.resolve("out/asss-p-histogram.png")) > 0);
  }
}
