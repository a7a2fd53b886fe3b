package ai.curator.lm.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Cancellation;
import ai.curator.api.CancelledException;
import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.api.Selection;
import ai.curator.api.StageException;
import ai.curator.api.Table;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.ProgressBars;
import ai.curator.pipeline.RunResult;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The finetune stage with its command backend, running a real trainer process (a bash script). */
class FinetuneStageTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    @org.junit.jupiter.api.BeforeEach
    void needsAShell() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(Path.of("/bin/cp")),
                "the external trainers here are bash and cp");
    }

    static Path script() throws Exception {
        return Path.of(
                FinetuneStageTest.class.getResource("/trainer/check_trainer.sh").toURI());
    }

    /** A recipe: 30 prompt/response rows → uniform 6 → export → finetune with {@code extra} options. */
    private Path recipe(String name, String extra) throws Exception {
        Path data = dir.resolve("data.jsonl");
        if (!Files.exists(data)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                sb.append("{\"id\":\"r")
                        .append(i)
                        .append("\",\"prompt\":\"What is ")
                        .append(i)
                        .append("+1?\",\"response\":\"")
                        .append(i + 1)
                        .append("\"}\n");
            }
            Files.writeString(data, sb.toString());
        }
        String yaml = "seed: 42\ndataset: {path: data.jsonl}\nstages:\n"
                + "  - select: {method: uniform, budget: 6}\n  - export\n"
                + "  - finetune: {backend: command, base_model: org/base-model, lora_r: 4, seed: 7, command: [bash, '"
                + script() + "', '{config}', '{output_dir}', '{subset}', '{seed}', '{base_model}']" + extra + "}\n"
                + "output: out-" + name + "\n";
        Path r = dir.resolve(name + ".yaml");
        Files.writeString(r, yaml);
        return r;
    }

    private RunResult run(Path recipe, boolean force, Cancellation c) {
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        return Pipeline.build(recipe, StageRegistry.load())
                .run(new RunSettings(force, log, new ProgressBars(false, log), c));
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsWritesTheProductWithProvenanceAndIsCached() throws Exception {
        Path r = recipe("ok", "");
        RunResult first = run(r, false, null);
        assertEquals(0, first.cachedStages());
        Path product = dir.resolve("out-ok/finetune");
        JsonNode adapter = Json.MAPPER.readTree(
                product.resolve("model/adapter_config.json").toFile());
        assertEquals(4, adapter.path("r").asInt(), "the trainer read lora_r from the config");
        assertEquals("org/base-model", adapter.path("base_model_name_or_path").asText());
        assertEquals("6", Files.readString(product.resolve("model/rows.txt")).trim());
        List<String> rows = Files.readAllLines(product.resolve("train.jsonl"));
        assertEquals(6, rows.size());
        JsonNode row = Json.MAPPER.readTree(rows.get(0));
        assertEquals(5.0, row.path("weight").asDouble(), "uniform 6 of 30: weight N/s");
        assertEquals(5.0, row.path("sample_weight").asDouble());
        assertEquals(1, row.path("count").asInt());
        assertEquals("user", row.at("/messages/0/role").asText());
        assertEquals(row.path("prompt").asText(), row.at("/messages/0/content").asText());

        JsonNode prov = Json.MAPPER.readTree(product.resolve("provenance.json").toFile());
        JsonNode ft = prov.path("finetune");
        assertEquals(0, ft.at("/trainer/exit_status").asInt());
        assertTrue(ft.at("/trainer/wall_seconds").asDouble() >= 0);
        assertEquals("finetune/model", ft.path("product").asText());
        assertEquals("adapter", ft.path("product_kind").asText());
        assertEquals("bash", ft.at("/trainer/command/0").asText());
        JsonNode cfg =
                Json.MAPPER.readTree(product.resolve("trainer_config.json").toFile());
        assertEquals(7, cfg.path("seed").asLong(), "the seed option");
        assertEquals("7", ft.at("/trainer/command/5").asText(), "{seed} rendered");
        assertEquals(
                ai.curator.io.FileIo.sha256(product.resolve("train.jsonl")),
                ft.path("subset_sha256").asText());
        assertEquals(6, ft.path("rows").asInt());
        assertTrue(prov.path("stages").size() >= 3, prov.toString());
        assertTrue(log().contains("[trainer] epoch 1: 6 rows, seed 7"), log());
        assertTrue(Files.readString(product.resolve("trainer.log")).contains("done"));
        assertFalse(hasLeftovers(dir.resolve("out-ok")));

        byte[] subset = Files.readAllBytes(product.resolve("train.jsonl"));
        byte[] config = Files.readAllBytes(product.resolve("trainer_config.json"));
        RunResult second = run(r, false, null);
        assertEquals(4, second.cachedStages(), "load, select, export and finetune cached");
        RunResult forced = run(r, true, null);
        assertEquals(0, forced.cachedStages());
        assertArrayEquals(subset, Files.readAllBytes(product.resolve("train.jsonl")), "same recipe, same subset");
        assertArrayEquals(config, Files.readAllBytes(product.resolve("trainer_config.json")));

        Files.delete(product.resolve("model/rows.txt"));
        assertEquals(3, run(r, false, null).cachedStages(), "a damaged product is trained again");
        assertTrue(Files.exists(product.resolve("model/rows.txt")));
    }

    @Test
    void aFailingTrainerNamesItsExitStatusAndLastLinesAndLeavesNothing() throws Exception {
        Path r = recipe("fail", ", env: {TRAINER_MODE: fail}");
        StageException e = assertThrows(StageException.class, () -> run(r, false, null));
        assertTrue(e.getMessage().contains("exited with status 7"), e.getMessage());
        assertTrue(e.getMessage().contains("error: CUDA out of memory"), e.getMessage());
        assertTrue(e.getMessage().contains("step 1: loss nan"), e.getMessage());
        assertTrue(e.getMessage().contains("finetune-failed-trainer.log"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out-fail/finetune")));
        assertFalse(hasLeftovers(dir.resolve("out-fail")));
        assertTrue(Files.exists(dir.resolve("out-fail/subset.jsonl")), "the export before it is kept");
    }

    @Test
    void aTrainerThatWritesNothingFails() throws Exception {
        Path r = recipe("nothing", ", env: {TRAINER_MODE: nothing}");
        StageException e = assertThrows(StageException.class, () -> run(r, false, null));
        assertTrue(e.getMessage().contains("wrote nothing into its output_dir"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out-nothing/finetune")));
    }

    @Test
    void aMissingCommandIsARecipeErrorNamingIt() throws Exception {
        Path r = dir.resolve("missing.yaml");
        recipe("x", ""); // writes the data
        Files.writeString(
                r,
                "dataset: {path: data.jsonl}\nstages:\n  - export\n"
                        + "  - finetune: {backend: command, base_model: m, command: [no-such-trainer-xyz, '{config}']}\n"
                        + "output: out-missing\n");
        RecipeException e = assertThrows(RecipeException.class, () -> run(r, false, null));
        assertTrue(e.getMessage().contains("cannot run 'no-such-trainer-xyz'"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out-missing/finetune")));
        assertFalse(hasLeftovers(dir.resolve("out-missing")));
    }

    @Test
    void unknownPlaceholdersAndTheJvmBackendFailBeforeAnyWork() throws Exception {
        Path r = recipe("ph", "").resolveSibling("ph2.yaml");
        Files.writeString(
                r,
                "dataset: {path: data.jsonl}\nstages:\n  - export\n"
                        + "  - finetune: {backend: command, base_model: m, command: [train, '--lr={lr}']}\n");
        RecipeException e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()));
        assertTrue(
                e.getMessage().contains("finetune.command[1] '--lr={lr}': unknown placeholder '{lr}'"), e.getMessage());
        assertTrue(e.getMessage().contains("ph2.yaml"), e.getMessage());

        Files.writeString(r, "dataset: {path: data.jsonl}\nstages:\n  - export\n  - finetune: {base_model: m}\n");
        e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()));
        assertTrue(
                e.getMessage().contains("finetune.base_model") && e.getMessage().contains("backend jvm trains a local"),
                e.getMessage());

        Files.writeString(r, "dataset: {path: data.jsonl}\nstages:\n  - export\n  - finetune: {backend: command}\n");
        e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()));
        assertTrue(e.getMessage().contains("finetune.backend command needs finetune.command"), e.getMessage());
    }

    @Test
    void loraOptionsWrittenForFullFineTuningAreRefusedNamingThem() throws Exception {
        Path r = recipe("full", "").resolveSibling("full.yaml");
        Files.writeString(
                r,
                "dataset: {path: data.jsonl}\nstages:\n  - export\n"
                        + "  - finetune: {method: full, backend: command, base_model: m, lora_r: 4, target_modules: [q_proj],"
                        + " command: [train, '{config}']}\n");
        RecipeException e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()));
        assertTrue(
                e.getMessage().contains("lora_r, target_modules set for finetune: full, which trains every weight"),
                e.getMessage());
        Files.writeString(
                r,
                "dataset: {path: data.jsonl}\nstages:\n  - export\n"
                        + "  - finetune: {method: full, backend: command, base_model: m, lora_r: 16,"
                        + " command: [train, '{config}']}\n");
        Pipeline.build(r, StageRegistry.load()); // LoRA's default written out: harmless
    }

    @Test
    void placeholdersRenderWithLiteralBraces() {
        assertEquals(
                List.of("--cfg=/c.json", "{\"a\":1}", "{seed}"),
                CommandTrainer.render(
                        List.of("--cfg={config}", "{{\"a\":1}}", "{{seed}}"), java.util.Map.of("config", "/c.json")));
    }

    @Test
    void theTimeoutStopsTheTrainerAndItsChildren() throws Exception {
        Path pid = dir.resolve("sleeper.pid");
        Path r = recipe("slow", ", timeout_minutes: 0.03, env: {TRAINER_MODE: sleep, SLEEPER_PID_FILE: '" + pid + "'}");
        StageException e = assertThrows(StageException.class, () -> run(r, false, null));
        assertTrue(e.getMessage().contains("ran past timeout_minutes 0.03"), e.getMessage());
        assertTrue(e.getMessage().contains("sleeping"), e.getMessage());
        assertGone(pid);
        assertFalse(Files.exists(dir.resolve("out-slow/finetune")));
        assertFalse(hasLeftovers(dir.resolve("out-slow")));
    }

    @Test
    void cancellationStopsTheTrainerAndItsChildren() throws Exception {
        Path pid = dir.resolve("sleeper-c.pid");
        Path r = recipe("cancel", ", env: {TRAINER_MODE: sleep, SLEEPER_PID_FILE: '" + pid + "'}");
        Cancellation c = new Cancellation();
        Thread stopper = new Thread(() -> {
            try {
                while (!Files.exists(pid) || Files.size(pid) == 0) {
                    Thread.sleep(50);
                }
                c.request("SIGTERM", 143);
            } catch (Exception ignored) {
                // the test fails on its own when the request never comes
            }
        });
        stopper.start();
        assertThrows(CancelledException.class, () -> run(r, false, c));
        stopper.join();
        assertGone(pid);
        assertFalse(Files.exists(dir.resolve("out-cancel/finetune")));
        assertFalse(hasLeftovers(dir.resolve("out-cancel")));
    }

    private static int cli(StringBuilder err, String... args) {
        var cl = ai.curator.cli.CuratorCli.commandLine();
        java.io.StringWriter e = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        cl.setErr(new java.io.PrintWriter(e));
        int code = cl.execute(args);
        err.append(e);
        return code;
    }

    @Test
    void theCliExitsTwoForAMissingTrainerOrAnUnknownPlaceholderAndOneForAFailingTrainer() throws Exception {
        recipe("x", ""); // the data
        Path r = dir.resolve("cli.yaml");
        Files.writeString(
                r,
                "dataset: {path: data.jsonl}\nstages:\n  - export\n"
                        + "  - finetune: {backend: command, base_model: m, command: [no-such-trainer-xyz]}\n"
                        + "output: out-cli\n");
        StringBuilder err = new StringBuilder();
        assertEquals(2, cli(err, "run", "-q", r.toString()), err.toString());
        assertTrue(err.toString().contains("cannot run 'no-such-trainer-xyz'"), err.toString());

        Files.writeString(
                r,
                "dataset: {path: data.jsonl}\nstages:\n  - export\n"
                        + "  - finetune: {backend: command, base_model: m, command: [t, '{out}']}\n");
        err.setLength(0);
        assertEquals(2, cli(err, "validate", r.toString()), err.toString());
        assertTrue(err.toString().contains("unknown placeholder '{out}'"), err.toString());

        Path fail = recipe("clifail", ", env: {TRAINER_MODE: fail}");
        err.setLength(0);
        int code = cli(err, "run", "-q", fail.toString());
        assertTrue(code != 0 && code != 2, "a failing trainer is not an input error: " + code);
        assertTrue(err.toString().contains("exited with status 7"), err.toString());
    }

    // ---- weight_column / count_column: training an exported subset again ----

    private static FinetuneStage.Options columns(String weight, String count) {
        return new FinetuneStage.Options(
                null, "m", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                weight, count, null);
    }

    /** Three rows with ids a, b, c on lines 2, 3, 4 of their file, plus the given columns. */
    private static Table table(Column... extra) {
        List<Column> cols = new java.util.ArrayList<>();
        cols.add(Column.ofStrings("id", new String[] {"a", "b", "c"}));
        cols.addAll(List.of(extra));
        return new Table(cols, "id", new long[] {2, 3, 4});
    }

    @Test
    void fromColumnsReadsWeightsAndCountsFromNumericColumns() {
        Table t = table(
                Column.ofDoubles("weight", new double[] {0.5, 2.0, 7.25}, null),
                Column.ofLongs("count", new long[] {1, 3, 2}, null));
        Selection s = FinetuneStage.fromColumns(t, columns("weight", "count"));
        assertArrayEquals(new int[] {0, 1, 2}, s.rows(), "every row, in order");
        assertArrayEquals(new double[] {0.5, 2.0, 7.25}, s.weights());
        assertArrayEquals(new int[] {1, 3, 2}, s.counts());
        assertEquals(6, s.draws());

        Selection onlyWeights = FinetuneStage.fromColumns(t, columns("weight", null));
        assertArrayEquals(new double[] {0.5, 2.0, 7.25}, onlyWeights.weights());
        assertArrayEquals(new int[] {1, 1, 1}, onlyWeights.counts(), "no count column: one copy each");
        Selection onlyCounts = FinetuneStage.fromColumns(t, columns(null, "count"));
        assertArrayEquals(new double[] {1, 1, 1}, onlyCounts.weights(), "no weight column: weight 1");
        assertArrayEquals(new int[] {1, 3, 2}, onlyCounts.counts());
    }

    @Test
    void fromColumnsReadsWeightsAndCountsFromTextColumns() {
        Table t = table(
                Column.ofStrings("w", new String[] {"1.5", " 3 ", "1e-3"}),
                Column.ofStrings("n", new String[] {"2", "1", "4.0"}));
        Selection s = FinetuneStage.fromColumns(t, columns("w", "n"));
        assertArrayEquals(new double[] {1.5, 3.0, 1e-3}, s.weights());
        assertArrayEquals(new int[] {2, 1, 4}, s.counts(), "4.0 is a whole number");
    }

    @Test
    void fromColumnsWithoutColumnsIsEveryRowOnceWithWeightOne() {
        Table t = table(Column.ofDoubles("weight", new double[] {9, 9, 9}, null));
        Selection s = FinetuneStage.fromColumns(t, columns(null, null));
        assertArrayEquals(new int[] {0, 1, 2}, s.rows());
        assertArrayEquals(new double[] {1, 1, 1}, s.weights(), "the column is not read unless named");
        assertArrayEquals(new int[] {1, 1, 1}, s.counts());
    }

    private static void assertBad(Table t, FinetuneStage.Options o, String column, String id, String why) {
        DataException e = assertThrows(DataException.class, () -> FinetuneStage.fromColumns(t, o));
        assertTrue(e.getMessage().contains("column '" + column + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("row id " + id), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void badWeightsAndCountsAreDataErrorsNamingTheColumnAndTheRow() {
        assertBad(
                table(Column.ofDoubles("weight", new double[] {1, 0, 1}, null)),
                columns("weight", null),
                "weight",
                "b",
                "a weight must be > 0");
        assertBad(
                table(Column.ofDoubles("weight", new double[] {1, 1, -2}, null)),
                columns("weight", null),
                "weight",
                "c",
                "a weight must be > 0");
        java.util.BitSet nulls = new java.util.BitSet();
        nulls.set(1);
        assertBad(
                table(Column.ofDoubles("weight", new double[] {1, 1, 1}, nulls)),
                columns("weight", null),
                "weight",
                "b",
                "missing");
        assertBad(
                table(Column.ofStrings("weight", new String[] {null, "1", "1"})),
                columns("weight", null),
                "weight",
                "a",
                "missing");
        assertBad(
                table(Column.ofStrings("weight", new String[] {"1", "heavy", "1"})),
                columns("weight", null),
                "weight",
                "b",
                "'heavy' is not a number");
        assertBad(
                table(Column.ofDoubles("weight", new double[] {1, 1, Double.POSITIVE_INFINITY}, null)),
                columns("weight", null),
                "weight",
                "c",
                "not finite");
        assertBad(
                table(Column.ofDoubles("count", new double[] {1, 2.5, 1}, null)),
                columns(null, "count"),
                "count",
                "b",
                "a count must be a whole number >= 1");
        assertBad(
                table(Column.ofLongs("count", new long[] {1, 1, 0}, null)),
                columns(null, "count"),
                "count",
                "c",
                "a count must be a whole number >= 1");
        assertBad(
                table(Column.ofStrings("count", new String[] {"x", "1", "1"})),
                columns(null, "count"),
                "count",
                "a",
                "'x' is not a number");
        DataException e = assertThrows(
                DataException.class,
                () -> FinetuneStage.fromColumns(
                        table(Column.ofDoubles("weight", new double[] {1, 0, 1}, null)), columns("weight", null)));
        assertTrue(e.getMessage().contains("line 3"), "row b is on line 3 of its file: " + e.getMessage());
        Table noLines = new Table(
                List.of(
                        Column.ofStrings("id", new String[] {"a", "b"}),
                        Column.ofDoubles("weight", new double[] {1, -1}, null)),
                "id",
                null);
        e = assertThrows(DataException.class, () -> FinetuneStage.fromColumns(noLines, columns("weight", null)));
        assertEquals("finetune: column 'weight', row id b: a weight must be > 0", e.getMessage(), "no line -1");
    }

    @Test
    void weightColumnsInARecipeWithASelectStageAreRefusedAtPlanTime() throws Exception {
        Path r = recipe("wsel", ", weight_column: weight");
        RecipeException e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load()));
        assertTrue(e.getMessage().contains("finetune.weight_column/count_column"), e.getMessage());
        assertTrue(e.getMessage().contains("this recipe has a select stage"), e.getMessage());
        Path c = recipe("csel", ", count_column: count");
        e = assertThrows(RecipeException.class, () -> Pipeline.build(c, StageRegistry.load()));
        assertTrue(e.getMessage().contains("this recipe has a select stage"), e.getMessage());
    }

    /** An exported subset (id, prompt, response, weight, count) as a recipe's data set, no select stage. */
    private Path subsetRecipe(String name, String columns) throws Exception {
        Files.writeString(
                dir.resolve("subset.jsonl"),
                "{\"id\":\"s1\",\"prompt\":\"What is 1+1?\",\"response\":\"2\",\"weight\":2.5,\"count\":1}\n"
                        + "{\"id\":\"s2\",\"prompt\":\"What is 2+1?\",\"response\":\"3\",\"weight\":0.5,\"count\":3}\n");
        Path r = dir.resolve(name + ".yaml");
        Files.writeString(
                r,
                "seed: 42\ndataset: {path: subset.jsonl}\nstages:\n  - export: {name: train, column_prefix: train_}\n"
                        + "  - finetune: {backend: command, base_model: org/base-model, lora_r: 4, command: [bash, '"
                        + script() + "', '{config}', '{output_dir}', '{subset}', '{seed}', '{base_model}']"
                        + columns + "}\noutput: out-" + name + "\n");
        return r;
    }

    @Test
    void anExportedSubsetTrainsWithItsOwnWeightsAndCounts() throws Exception {
        run(subsetRecipe("cols", ", weight_column: weight, count_column: count"), false, null);
        List<String> rows = Files.readAllLines(dir.resolve("out-cols/finetune/train.jsonl"));
        assertEquals(2, rows.size());
        JsonNode a = Json.MAPPER.readTree(rows.get(0));
        JsonNode b = Json.MAPPER.readTree(rows.get(1));
        assertEquals("s1", a.path("id").asText());
        assertEquals(2.5, a.path("weight").asDouble());
        assertEquals(1, a.path("count").asInt());
        assertEquals(2.5, a.path("sample_weight").asDouble(), "count · weight");
        assertEquals(0.5, b.path("weight").asDouble());
        assertEquals(3, b.path("count").asInt());
        assertEquals(1.5, b.path("sample_weight").asDouble(), "count · weight");
        JsonNode ft = Json.MAPPER
                .readTree(dir.resolve("out-cols/finetune/provenance.json").toFile())
                .path("finetune");
        assertEquals(2, ft.path("rows").asInt());
        assertEquals(4, ft.path("draws").asInt(), "1 + 3 copies");

        run(subsetRecipe("nocols", ""), false, null);
        JsonNode plain = Json.MAPPER.readTree(Files.readAllLines(dir.resolve("out-nocols/finetune/train.jsonl"))
                .get(1));
        assertEquals(1.0, plain.path("weight").asDouble(), "without the options: weight 1");
        assertEquals(1, plain.path("count").asInt());
    }

    @Test
    void aWeightColumnTheDataLacksIsARecipeErrorListingTheColumnsBeforeTraining() throws Exception {
        Path r = subsetRecipe("nocol", ", weight_column: sample_w");
        Pipeline.build(r, StageRegistry.load()); // the columns are known once the data is loaded
        RecipeException e = assertThrows(RecipeException.class, () -> run(r, false, null));
        assertTrue(e.getMessage().contains("finetune column 'sample_w' is not in the data"), e.getMessage());
        assertTrue(e.getMessage().contains("weight"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out-nocol/finetune")));
    }

    private static void assertGone(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        var h = ProcessHandle.of(pid);
        assertTrue(h.isEmpty() || !h.get().isAlive(), "the trainer's child " + pid + " is still running");
    }

    private static boolean hasLeftovers(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(ai.curator.io.AtomicFiles.TMP_MARK));
        }
    }
}
