package ai.curator.eval.bench.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.cli.CuratorCli;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code curator bench llm} end to end on real parts: stories260K (a 260K-parameter llama) is
 * LoRA-fine-tuned on subsets of 40 ViGGO training rows chosen by full, uniform and low-rank
 * sensitivity (landmark losses from the same model, bge-small-en embeddings) and evaluated on 6
 * test rows, every run in child JVMs started with this JVM's class path. Then: a rerun does nothing
 * and writes the same report; one worker instead of two gives the same subsets and metrics.
 */
class LlmBenchIT {
    private static final List<String> REPORT =
            List.of("llm-bench.md", "llm-bench-summary.csv", "llm-bench-runs.csv", "llm-bench.json", "llm-bench.png");

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result cli(String... args) {
        CommandLine cl = CuratorCli.commandLine();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(e));
        int code = cl.execute(args);
        return new Result(code, o.toString(), e.toString());
    }

    private Result bench(Path data, Path model, Path out, int workers) {
        return cli(
                "bench",
                "llm",
                "--task",
                "viggo",
                "--model",
                model.toString(),
                "--data-root",
                data.toString(),
                "--budgets",
                "50%",
                "--seeds",
                "2",
                "--methods",
                "full,uniform,lowrank",
                "--prompt",
                "{ref}\\n",
                "--response",
                "{mr}",
                "--landmarks",
                "0.5",
                "--rank",
                "4",
                "--epochs",
                "1",
                "--batch",
                "8",
                "--lr",
                "1e-3",
                "--max-new-tokens",
                "16",
                "--out",
                out.toString(),
                "--workers",
                Integer.toString(workers));
    }

    private static Map<String, FileTime> resultTimes(Path out, List<LlmBench.Run> runs) throws Exception {
        Map<String, FileTime> t = new LinkedHashMap<>();
        for (LlmBench.Run r : runs) {
            t.put(
                    r.id(),
                    Files.getLastModifiedTime(
                            out.resolve("runs").resolve(r.id()).resolve("result.json")));
        }
        return t;
    }

    private static JsonNode result(Path out, LlmBench.Run r) throws Exception {
        return LlmBench.JSON.readTree(
                out.resolve("runs").resolve(r.id()).resolve("result.json").toFile());
    }

    @Test
    void benchRunsResumesAndGivesTheSameResultsForAnyNumberOfWorkers() throws Exception {
        Path model = LlmBenchArgs.stories260K();
        Path data = LlmBenchArgs.viggo(dir, 40, 6);
        Path out = dir.resolve("two-workers");
        Result first = bench(data, model, out, 2);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("6 runs (0 done earlier, 6 to do), 2 workers"), first.err());

        LlmBenchArgs a = new LlmBenchArgs();
        a.methods = List.of("full", "uniform", "lowrank");
        a.budgets = List.of("50%");
        a.seeds = 2;
        List<LlmBench.Run> runs = LlmBench.plan(a.build());
        assertEquals(6, runs.size());
        for (LlmBench.Run r : runs) {
            JsonNode res = result(out, r);
            assertEquals(r.id(), res.path("id").asText());
            assertEquals(6, res.path("eval_rows").asInt(), r.id());
            assertEquals("exact", res.path("headline").asText(), r.id());
            assertTrue(res.at("/metrics/exact").isNumber(), r.id());
            assertEquals(r.full() ? 40 : 20, res.path("draws").asInt(), r.id() + ": 50% of 40 rows are 20 draws");
            assertTrue(res.at("/cost/finetune_tokens").asLong() > 0, r.id());
            if (r.method().equals("lowrank")) {
                // half of the 40 rows are landmarks whose loss stories260K computed
                assertEquals(20, res.at("/cost/oracle_rows").asLong(), r.id());
                assertTrue(res.at("/cost/oracle_tokens").asLong() > 0, r.id());
            } else {
                assertEquals(0, res.at("/cost/oracle_rows").asLong(), r.id());
            }
        }
        Map<String, byte[]> report = new LinkedHashMap<>();
        for (String f : REPORT) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
            report.put(f, Files.readAllBytes(out.resolve(f)));
        }
        String md = Files.readString(out.resolve("llm-bench.md"));
        assertEquals(
                3,
                md.substring(0, md.indexOf("Paired difference"))
                        .lines()
                        .filter(l -> l.matches("\\| (full|uniform|lowrank) \\| .*"))
                        .count(),
                md);
        assertTrue(first.out().contains("wrote " + out.resolve("llm-bench.png")), first.out());

        // the same command again: nothing to do, the same report
        Map<String, FileTime> times = resultTimes(out, runs);
        Result again = bench(data, model, out, 2);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("6 runs (6 done earlier, 0 to do)"), again.err());
        assertEquals(times, resultTimes(out, runs), "no run ran again");
        for (String f : REPORT) {
            assertArrayEquals(report.get(f), Files.readAllBytes(out.resolve(f)), f + " is written the same");
        }

        // one worker: the same subsets and metrics
        Path one = dir.resolve("one-worker");
        Result serial = bench(data, model, one, 1);
        assertEquals(0, serial.code(), serial.err());
        for (LlmBench.Run r : runs) {
            assertEquals(result(out, r).path("metrics"), result(one, r).path("metrics"), r.id());
            assertEquals(
                    result(out, r).at("/cost/finetune_tokens"), result(one, r).at("/cost/finetune_tokens"), r.id());
            assertEquals(result(out, r).path("last_train_loss"), result(one, r).path("last_train_loss"), r.id());
            if (!r.full()) {
                Path subset = Path.of("runs", r.id(), "select", "subset.jsonl");
                assertArrayEquals(
                        Files.readAllBytes(out.resolve(subset)), Files.readAllBytes(one.resolve(subset)), r.id());
            }
            Path trained = Path.of("runs", r.id(), "train", "finetune", "train.jsonl");
            assertArrayEquals(
                    Files.readAllBytes(out.resolve(trained)), Files.readAllBytes(one.resolve(trained)), r.id());
        }
        List<String> subsets = new ArrayList<>();
        for (LlmBench.Run r : runs) {
            if (!r.full()) {
                subsets.add(Files.readString(out.resolve("runs").resolve(r.id()).resolve("select/subset.jsonl")));
            }
        }
        assertTrue(!subsets.get(0).equals(subsets.get(2)), "seeds 1 and 2 draw different uniform subsets");
        try (var w = Files.list(out.resolve("work"))) {
            List<String> stages =
                    w.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(
                    1,
                    stages.stream().filter(n -> n.startsWith("01-embed-")).count(),
                    "both seeds' selections share one embedding: " + stages);
            assertEquals(
                    2,
                    stages.stream()
                            .filter(n -> n.startsWith("02-score-low_rank_sensitivity"))
                            .count(),
                    "the landmark losses are per seed: " + stages);
        }
    }

    @Test
    void aFailedRunKeepsTheOthersReportsThemAndIsRetriedByTheRerun() throws Exception {
        Path model = LlmBenchArgs.stories260K();
        Path data = LlmBenchArgs.viggo(dir, 40, 6);
        Path out = dir.resolve("failing");
        // a file where the uniform run's selection writes its output folder: that recipe fails
        Path blocker = out.resolve("runs/viggo-uniform-50pct-s1/select");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "in the way");
        String[] args = {
            "bench",
            "llm",
            "--task",
            "viggo",
            "--model",
            model.toString(),
            "--data-root",
            data.toString(),
            "--budgets",
            "50%",
            "--seeds",
            "1",
            "--methods",
            "full,uniform",
            "--prompt",
            "{ref}\\n",
            "--response",
            "{mr}",
            "--epochs",
            "1",
            "--batch",
            "8",
            "--lr",
            "1e-3",
            "--max-new-tokens",
            "4",
            "--eval-limit",
            "2",
            "--out",
            out.toString()
        };
        Result failed = cli(args);
        assertEquals(1, failed.code(), "a failed run is no input error: " + failed.err());
        assertTrue(failed.err().contains("1 of 2 runs failed"), failed.err());
        assertTrue(failed.err().contains("viggo-uniform-50pct-s1: select recipe"), failed.err());
        assertTrue(failed.err().contains("select.log"), "names the whole log: " + failed.err());
        assertTrue(Files.isRegularFile(out.resolve("runs/viggo-full-s1/result.json")), "the finished run is kept");
        assertTrue(failed.err().contains("covers the 1 finished runs"), failed.err());
        String md = Files.readString(out.resolve("llm-bench.md"));
        assertEquals(1, md.lines().filter(l -> l.startsWith("| full |")).count(), md);
        assertEquals(0, md.lines().filter(l -> l.startsWith("| uniform |")).count(), md);

        Files.delete(blocker);
        FileTime full = Files.getLastModifiedTime(out.resolve("runs/viggo-full-s1/result.json"));
        Result retried = cli(args);
        assertEquals(0, retried.code(), retried.err());
        assertTrue(retried.err().contains("2 runs (1 done earlier, 1 to do)"), retried.err());
        assertEquals(full, Files.getLastModifiedTime(out.resolve("runs/viggo-full-s1/result.json")));
        assertEquals(
                2,
                Files.readString(out.resolve("llm-bench.md"))
                        .lines()
                        .filter(l -> l.startsWith("| full |") || l.startsWith("| uniform |"))
                        .count());
        assertEquals(
                2,
                LlmBench.JSON
                        .readTree(out.resolve("runs/viggo-uniform-50pct-s1/result.json")
                                .toFile())
                        .path("eval_rows")
                        .asInt(),
                "--eval-limit 2");
    }
}
