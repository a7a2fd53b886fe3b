package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import ai.curator.select.algo.KeyedSampling;
import ai.curator.select.algo.WeightedSample;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark engine on a real local Spark ({@code local[2]}, input files split into many partitions)
 * against the single-machine pipeline on the same recipe and seed: the same rows, counts and weights.
 */
class SparkEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    static Path dir;

    static Path data;

    @BeforeAll
    static void data() throws IOException {
        // many small partitions: the draws must not depend on them
        System.setProperty("spark.sql.files.maxPartitionBytes", "32768");
        data = dir.resolve("rows.jsonl");
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            b.append("{\"id\":\"r")
                    .append(i)
                    .append("\",\"text\":\"row ")
                    .append(i)
                    .append("\",\"x\":")
                    .append(r.nextInt(100))
                    .append("}\n");
            if (i == 5000) {
                b.append("\n"); // a blank line is no row on either engine
            }
        }
        Files.writeString(data, b);
    }

    @AfterAll
    static void clear() {
        System.clearProperty("spark.sql.files.maxPartitionBytes");
    }

    private static Path recipe(String name, String select) throws IOException {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(
                f,
                "dataset: {path: rows.jsonl}\nseed: 11\nstages:\n  - score: {method: uniform}\n  - select: " + select
                        + "\n  - export: {formats: [jsonl, parquet]}\noutput: out-" + name + "\n");
        return f;
    }

    /** (id, count, weight) per selected row, in file order, from one machine's subset.jsonl. */
    private static List<String> local(Recipe r) throws IOException {
        Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(true));
        return rows(Stream.of(r.output().resolve("subset.jsonl")));
    }

    private static List<String> spark(Recipe r) throws IOException {
        Engine.Result res = new SparkEngine()
                .run(
                        r.withOutput(r.output().resolveSibling(r.output().getFileName() + "-spark")),
                        new Engine.Settings("local[2]", false, QUIET));
        Path folder = Path.of(res.outputs().get(0));
        assertTrue(Files.isDirectory(folder), folder + " is Spark's folder of part files");
        try (Stream<Path> parts = Files.list(folder)) {
            return rows(parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .sorted());
        }
    }

    private static List<String> rows(Stream<Path> files) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : files.toList()) {
            for (String line : Files.readAllLines(f)) {
                JsonNode n = JSON.readTree(line);
                out.add(n.get("id").asText() + " " + n.get("count").asLong() + " "
                        + n.get("weight").asDouble() + " " + n.get("x").asLong() + " "
                        + n.get("method").asText());
            }
        }
        return out;
    }

    @Test
    void classQuotasDrawWhatOneMachineDraws() throws IOException {
        for (String[] c : new String[][] {
            {"prop", "{method: uniform, budget: 7%, class_quota: proportional}"},
            {"equal", "{method: uniform, budget: 1500, class_quota: equal}"}
        }) {
            Path f = dir.resolve("quota-" + c[0] + ".yaml");
            Files.writeString(
                    f,
                    "dataset: {path: rows.jsonl, label: x}\nseed: 4\nstages:\n  - select: " + c[1]
                            + "\n  - export: {formats: [jsonl]}\noutput: out-quota-" + c[0] + "\n");
            Recipe r = RecipeReader.read(f);
            List<String> one = local(r);
            assertTrue(one.size() >= 700, c[0] + ": " + one.size() + " rows");
            assertEquals(one, spark(r), c[0] + ": the spark engine drew another subset");
        }
    }

    @Test
    void aDataPathWithASchemeGoesToHadoopsFileSystemsAsWritten() throws IOException {
        Path f = dir.resolve("uri.yaml");
        Files.writeString(
                f,
                "dataset: {path: \"" + data.toUri() + "\"}\nseed: 11\nstages:\n  - score: {method: uniform}\n"
                        + "  - select: {method: uniform, budget: 0.1}\n  - export: {formats: [jsonl]}\noutput: out-uri\n");
        Recipe byUri = RecipeReader.read(f);
        assertEquals(data.toUri().toString(), SparkEngine.dataPath(byUri));
        assertEquals(local(RecipeReader.read(recipe("uni-path", "{method: uniform, budget: 0.1}"))), spark(byUri));
    }

    @Test
    void anOutputUriIsWrittenThroughHadoopsFileSystems() throws IOException {
        Path target = dir.resolve("hadoop-out");
        Path f = dir.resolve("out-uri.yaml");
        Files.writeString(
                f,
                "dataset: {path: rows.jsonl}\nseed: 11\nstages:\n  - score: {method: uniform}\n"
                        + "  - select: {method: uniform, budget: 0.1}\n  - export: {formats: [jsonl, parquet]}\n"
                        + "output: \"" + target.toUri() + "\"\n");
        Recipe r = RecipeReader.read(f);
        assertEquals(target.toUri().toString(), r.outputUri());
        // one machine writes local folders only, and says so before any work
        RecipeException e = assertThrows(RecipeException.class, () -> Pipeline.build(r, StageRegistry.load())
                .run(RunSettings.quiet(true)));
        assertTrue(e.getMessage().contains("only --engine spark writes"), e.getMessage());

        Engine.Result res = new SparkEngine().run(r, new Engine.Settings("local[2]", false, QUIET));
        assertEquals(4, res.outputs().size(), res.outputs().toString());
        assertEquals(target.resolve("subset.jsonl").toString(), res.outputs().get(0));
        try (Stream<Path> parts = Files.list(target.resolve("subset.jsonl"))) {
            List<String> got = rows(parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .sorted());
            assertEquals(local(RecipeReader.read(recipe("uni-uri", "{method: uniform, budget: 0.1}"))), got);
        }
        assertTrue(Files.isDirectory(target.resolve("subset.parquet")));
        JsonNode prov =
                JSON.readTree(target.resolve("subset.jsonl.provenance.json").toFile());
        assertEquals("subset.jsonl", prov.at("/output/folder").asText());
        try (Stream<Path> left = Files.list(target)) {
            assertEquals(
                    List.of(),
                    left.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".tmp") || n.endsWith(".crc"))
                            .toList(),
                    "temporary or checksum files left beside the outputs");
        }

        RecipeException unwritable = assertThrows(RecipeException.class, () -> new SparkEngine()
                .run(r.withOutputUri("file:///proc/curator-out"), new Engine.Settings("local[2]", false, QUIET)));
        assertTrue(
                unwritable.getMessage().contains("'file:///proc/curator-out' is not writable"),
                unwritable.getMessage());
    }

    @Test
    void sameSubsetAsOneMachine() throws IOException {
        for (String[] c : new String[][] {
            {"sens", "{method: sensitivity_sampling, budget: 25%}"},
            {"uni", "{method: uniform, budget: 0.1}"},
            {"unirep", "{method: uniform, budget: 700, replace: true}"}
        }) {
            Recipe r = RecipeReader.read(recipe(c[0], c[1]));
            List<String> one = local(r);
            List<String> cluster = spark(r);
            assertTrue(one.size() > 500, c[0] + ": " + one.size() + " rows");
            assertEquals(one, cluster, c[0] + ": the spark engine drew another subset");
        }
        JsonNode prov = JSON.readTree(dir.resolve("out-sens-spark")
                .resolve("subset.jsonl.provenance.json")
                .toFile());
        assertEquals("spark", prov.get("engine").asText());
        assertEquals(10_000, prov.at("/dataset/rows").asLong());
        assertEquals("sensitivity_sampling:uniform", prov.at("/output/method").asText());
    }

    /** A score that is not constant: the blocks' masses, the split and the draws inside blocks. */
    @Test
    void sensitivityDrawEqualsKeyedSampling() throws IOException {
        int n = 9_000;
        double[] sigma = new double[n];
        List<Row> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            sigma[i] = i % 11 == 0 ? 0 : r.nextDouble() * r.nextDouble();
            rows.add(RowFactory.create((long) i, sigma[i]));
        }
        StructType schema =
                new StructType().add(SparkLoad.ROW, DataTypes.LongType, false).add("s", DataTypes.DoubleType, false);
        WeightedSample want = KeyedSampling.withReplacement(sigma, 3000, 77);
        try (SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .getOrCreate()) {
            Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(7);
            List<Row> got = SparkSelect.sensitivity(spark, df, "s", n, 3000, 77)
                    .orderBy(SparkLoad.ROW)
                    .collectAsList();
            assertEquals(want.size(), got.size());
            for (int j = 0; j < got.size(); j++) {
                assertEquals(want.rows()[j], got.get(j).getLong(0));
                assertEquals(want.counts()[j], got.get(j).getLong(1));
                assertEquals(want.weights()[j] / want.counts()[j], got.get(j).getDouble(2));
            }
            rows.set(17, RowFactory.create(17L, Double.NaN));
            Dataset<Row> bad = spark.createDataFrame(rows, schema);
            DataException e =
                    assertThrows(DataException.class, () -> SparkSelect.sensitivity(spark, bad, "s", n, 10, 1));
            assertTrue(e.getMessage().contains("row 17 is NaN"), e.getMessage());
        }
    }

    @Test
    void anUnreachableMasterIsNamed() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String master = "spark://127.0.0.1:" + port;
        RecipeException e = assertThrows(RecipeException.class, () -> SparkEngine.checkReachable(master));
        assertTrue(
                e.getMessage().startsWith("--master " + master + ": no master answers at 127.0.0.1:" + port),
                e.getMessage());
        SparkEngine.checkReachable("local[2]"); // nothing to reach
    }

    @Test
    void unsupportedStagesAndMissingFilesAreRefusedByName() throws IOException {
        Path f = dir.resolve("km.yaml");
        Files.writeString(
                f,
                "dataset: {path: rows.jsonl}\nstages:\n  - embed: {method: features, columns: [x]}\n"
                        + "  - select: {method: k_center_greedy, budget: 10}\n  - export: {formats: [jsonl]}\n");
        RecipeException e = assertThrows(RecipeException.class, () -> new SparkEngine()
                .run(RecipeReader.read(f), new Engine.Settings("local[2]", false, QUIET)));
        assertTrue(
                e.getMessage().contains("stages[1]: select: k_center_greedy does not run on --engine spark yet"),
                e.getMessage());
        Path g = dir.resolve("missing.yaml");
        Files.writeString(
                g,
                "dataset: {path: nowhere.jsonl, format: jsonl}\nstages:\n  - select: {method: uniform,"
                        + " budget: 10}\n  - export: {formats: [jsonl]}\n");
        DataException d = assertThrows(DataException.class, () -> new SparkEngine()
                .run(RecipeReader.read(g), new Engine.Settings("local[2]", false, QUIET)));
        assertTrue(d.getMessage().contains("nowhere.jsonl"), d.getMessage());
    }

    @Test
    void aFullDiskNamesSparksScratchFolder() {
        Exception full = new org.apache.spark.SparkException(
                "Job aborted due to stage failure", new java.io.IOException("No space left on device"));
        String hint = SparkEngine.diskFullHint(full, "/tmp");
        assertTrue(hint.contains("spark.local.dir: /tmp") && hint.contains("-Dspark.local.dir=DIR"), hint);
        assertEquals(
                "", SparkEngine.diskFullHint(new RuntimeException("other", new java.io.IOException("closed")), "/tmp"));
    }

    /** A missing feature is named with its row, with and without z-scoring (floats and doubles move apart). */
    @Test
    void aMissingFeatureIsNamedWithItsRow() throws IOException {
        Files.writeString(
                dir.resolve("holes.jsonl"),
                "{\"id\": \"a\", \"x\": 1.5}\n{\"id\": \"b\", \"x\": 2}\n{\"id\": \"c\"}\n");
        for (String standardize : List.of("true", "false")) {
            Path f = dir.resolve("holes-" + standardize + ".yaml");
            Files.writeString(
                    f,
                    "dataset: {path: holes.jsonl}\nstages:\n  - embed: {method: features, columns: [x], standardize: "
                            + standardize + "}\n  - score: {method: low_rank_sensitivity, rank: 1, landmarks: 0.5}\n"
                            + "  - select: {method: sensitivity_sampling, budget: 2}\n  - export: {formats: [jsonl]}\n");
            DataException e = assertThrows(DataException.class, () -> new SparkEngine()
                    .run(RecipeReader.read(f), new Engine.Settings("local[2]", false, QUIET)));
            assertTrue(e.getMessage().contains("Feature 'x' is missing in row 2"), e.getMessage());
        }
    }
}
