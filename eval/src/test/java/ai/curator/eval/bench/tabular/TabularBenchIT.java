package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.cli.CuratorCli;
import ai.curator.learn.nn.MlpClassifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        int code = cl.execute(
                "--data",
                SLICE.toString(),
                "--out",
                dir.toString(),
                "--folds",
                "2",
                "--repeats",
                "1",
                "--epochs",
                "5",
                "--asss-epochs",
                "2",
                "--warmup-epochs",
                "1",
                "--hidden",
                "32,16",
                "-q");
        assertEquals(0, code, err.toString());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("shuttle-2k.json").toFile());
        assertEquals(TabularBench.METHODS.size(), j.get("summary").size());
        for (JsonNode s : j.get("summary")) {
            double prr = s.get("prrAccuracy").get("mean").asDouble();
            // a correctness check, not a quality bar (5 epochs on ~700 training rows): finite and positive
            assertTrue(prr > 0 && prr < 3, s.get("method") + " accuracy PRR " + prr);
        }
        assertEquals(2 * TabularBench.METHODS.size(), j.get("splits").size());
        assertTrue(j.get("selector_traces_first_split").has("asss"));
        for (String f : new String[] {
            "shuttle-2k.md",
            "shuttle-2k-folds.csv",
            "shuttle-2k-summary.csv",
            "shuttle-2k-prr.png",
            "shuttle-2k-asss-p-histogram.png",
            "shuttle-2k-asss_bilevel-class-fraction.png",
            "shuttle-2k-asss_bilevel_balanced-class-fraction.png"
        }) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
    }

    @Test
    void asssTunedPicksFromItsGridPerSplitAndReportsIt() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new TabularBenchCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        // a one-point grid equal to asss's own (--lambda, --beta): asss_tuned must then reproduce asss exactly
        int code = cl.execute(
                "--data",
                SLICE.toString(),
                "--out",
                dir.resolve("one").toString(),
                "--folds",
                "2",
                "--repeats",
                "1",
                "--epochs",
                "5",
                "--asss-epochs",
                "1",
                "--warmup-epochs",
                "1",
                "--hidden",
                "32,16",
                "--methods",
                "asss,asss_tuned",
                "--lambda",
                "0.1",
                "--beta",
                "0.1",
                "--tune-lambda",
                "0.1",
                "--tune-beta",
                "0.1",
                "-q");
        assertEquals(0, code, err.toString());
        JsonNode one =
                new ObjectMapper().readTree(dir.resolve("one/shuttle-2k.json").toFile());
        for (int split = 0; split < 2; split++) {
            JsonNode asss = null;
            JsonNode tuned = null;
            for (JsonNode row : one.get("splits")) {
                if (row.get("fold").asInt() == split
                        && row.get("method").asText().equals("asss")) {
                    asss = row;
                } else if (row.get("fold").asInt() == split
                        && row.get("method").asText().equals("asss_tuned")) {
                    tuned = row;
                }
            }
            assertEquals(asss.get("metrics"), tuned.get("metrics"), "split " + split);
            assertEquals(1, tuned.get("tuning").get("trials").size());
            assertTrue(asss.get("tuning").isNull());
        }
        // a real grid: every split reports its pick, taken from the grid, and the Markdown lists it
        code = cl.execute(
                "--data",
                SLICE.toString(),
                "--out",
                dir.resolve("grid").toString(),
                "--folds",
                "2",
                "--repeats",
                "1",
                "--epochs",
                "5",
                "--asss-epochs",
                "1",
                "--warmup-epochs",
                "1",
                "--hidden",
                "32,16",
                "--methods",
                "asss_tuned",
                "--tune-lambda",
                "0.01,1",
                "--tune-beta",
                "0,0.1",
                "-q");
        assertEquals(0, code, err.toString());
        JsonNode grid =
                new ObjectMapper().readTree(dir.resolve("grid/shuttle-2k.json").toFile());
        int tunedRows = 0;
        for (JsonNode row : grid.get("splits")) {
            if (!row.get("method").asText().equals("asss_tuned")) {
                continue;
            }
            tunedRows++;
            JsonNode t = row.get("tuning");
            assertEquals(4, t.get("trials").size());
            double best = -1;
            for (JsonNode g : t.get("trials")) {
                best = Math.max(best, g.get("validationF1").asDouble());
            }
            boolean found = false;
            for (JsonNode g : t.get("trials")) {
                found |= g.get("lambda").asDouble() == t.get("lambda").asDouble()
                        && g.get("beta").asDouble() == t.get("beta").asDouble()
                        && g.get("validationF1").asDouble() == best;
            }
            assertTrue(found, "the pick is the grid point with the best validation F1: " + t);
            assertEquals(
                    Math.round(0.2 * 1006),
                    t.get("validationRows").asInt(),
                    7.0,
                    "about 20% of the training fold held out");
        }
        assertEquals(2, tunedRows);
        assertEquals(
                List.of(0.01, 1.0),
                new ObjectMapper().convertValue(grid.get("settings").get("tune_lambda"), List.class));
        String md = Files.readString(dir.resolve("grid/shuttle-2k.md"));
        assertTrue(md.contains("## asss_tuned: λ and β picked per split on validation data"), md);
        assertTrue(md.contains("| λ 0.01 β 0.0 | λ 0.01 β 0.1 | λ 1.0 β 0.0 | λ 1.0 β 0.1 |"), md);
        String csv = Files.readString(dir.resolve("grid/shuttle-2k-folds.csv"));
        assertTrue(csv.lines().findFirst().orElseThrow().endsWith(",tuned_lambda,tuned_beta"), csv);
    }

    @Test
    void workerProcessesGiveTheSameRowsAsOneJvm() {
        TabularData data = TabularData.load(SLICE, "target");
        List<String> methods = List.of("full", "uniform", "low_rank", "asss_bilevel_sampled");
        MlpClassifier.Options mlp = new MlpClassifier.Options(16, 8, 3, 64, 1e-3, 2, 0.1);
        List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        TabularBench.Result[] r = new TabularBench.Result[2];
        for (int w = 1; w <= 2; w++) {
            TabularBench.Config c = new TabularBench.Config(
                    2, 2, 0.3, 11, methods, mlp, 1, 1, 0.1, 0.1, 10, 200, 0, List.of(0.1), List.of(0.1), 0.2, 0, w);
            r[w - 1] = TabularBench.run(data, c, lines::add);
        }
        assertEquals(16, r[0].rows().size());
        assertEquals(r[0].rows().size(), r[1].rows().size());
        for (int i = 0; i < r[0].rows().size(); i++) {
            TabularBench.Row a = r[0].rows().get(i);
            TabularBench.Row b = r[1].rows().get(i);
            String where = a.repeat() + "/" + a.fold() + " " + a.method();
            assertEquals(
                    List.of(a.repeat(), a.fold(), a.method(), a.kept(), a.epochs()),
                    List.of(b.repeat(), b.fold(), b.method(), b.kept(), b.epochs()),
                    where);
            assertEquals(a.metrics(), b.metrics(), where); // exact: every split is seeded on its own
            assertEquals(a.full(), b.full(), where);
        }
        assertEquals(r[0].traces().keySet(), r[1].traces().keySet());
        assertEquals(
                r[0].traces().get("asss_bilevel_sampled").snapshots().get(1).meanP(),
                r[1].traces().get("asss_bilevel_sampled").snapshots().get(1).meanP());
        // the child's progress lines reach the parent's log (splits 1 and 3 ran in the child)
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[r0 f1] uniform:")), String.join("\n", lines));
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith("running 4 splits on 2 worker processes")),
                String.join("\n", lines));
    }

    @Test
    void asssRunsInARecipe() throws Exception {
        Path recipe = dir.resolve("asss.yaml");
        Files.writeString(
                recipe,
                """
        name: asss-it
        seed: 7
        dataset: {path: %s, label: target}
        stages:
          - embed: {method: features}
          - select: {method: asss, budget: 0.3, epochs: 1, warmup_epochs: 1, task_hidden: [16, 8], selector_hidden: [8, 8]}
          - export: {formats: [jsonl]}
        output: %s
        """
                        .formatted(SLICE, dir.resolve("out")));
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
