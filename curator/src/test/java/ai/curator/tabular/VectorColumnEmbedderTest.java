package ai.curator.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.DataException;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code embed: column}: vectors given with the data, from JSONL arrays and from Parquet list columns. */
class VectorColumnEmbedderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String rows(int n, int d, int badRow, int badLength) {
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            List<String> v = new ArrayList<>();
            for (int j = 0; j < (i == badRow ? badLength : d); j++) {
                v.add(String.format(Locale.ROOT, "%.6f", r.nextGaussian() * (j + 1)));
            }
            b.append("{\"id\":\"v")
                    .append(i)
                    .append("\",\"vec\":[")
                    .append(String.join(",", v))
                    .append("],\"text\":\"row ")
                    .append(i)
                    .append("\"}\n");
        }
        return b.toString();
    }

    @Test
    void jsonlArraysAndTheirParquetRoundTripGiveTheSameSubset() throws Exception {
        TestFiles.write(dir, "v.jsonl", rows(400, 6, -1, 0));
        String stages = "stages:\n  - embed: {method: column, column: vec}\n"
                + "  - score: {method: low_rank_sensitivity, mode: basis, rank: 2}\n"
                + "  - select: {method: sensitivity_sampling, budget: 25%}\n";
        Path r1 = TestFiles.write(
                dir,
                "a.yaml",
                "seed: 3\ndataset: {path: v.jsonl}\n" + stages
                        + "  - export: {formats: [jsonl, parquet]}\noutput: a\n");
        Pipeline.build(r1, StageRegistry.load()).run(RunSettings.quiet(true));
        List<String> a = subset(dir.resolve("a/subset.jsonl"), "");
        assertTrue(a.size() > 50, a.size() + " rows");

        // every row of the data, through Parquet (the vectors as a list column) and back
        Path all = TestFiles.write(
                dir,
                "all.yaml",
                "seed: 3\ndataset: {path: v.jsonl}\nstages:\n  - export: {formats: [parquet]}\noutput: all\n");
        Pipeline.build(all, StageRegistry.load()).run(RunSettings.quiet(true));
        Path r2 = TestFiles.write(
                dir,
                "b.yaml",
                "seed: 3\ndataset: {path: all/subset.parquet}\n" + stages
                        + "  - export: {formats: [jsonl], column_prefix: c_}\noutput: b\n");
        Pipeline.build(r2, StageRegistry.load()).run(RunSettings.quiet(true));
        assertEquals(a, subset(dir.resolve("b/subset.jsonl"), "c_"));
    }

    @Test
    void aVectorOfAnotherLengthIsNamedByIdAndLine() throws Exception {
        TestFiles.write(dir, "bad.jsonl", rows(50, 6, 17, 5));
        Path r = TestFiles.write(
                dir,
                "bad.yaml",
                "dataset: {path: bad.jsonl}\nstages:\n  - embed: {method: column, column: vec}\n"
                        + "  - select: {method: uniform, budget: 5}\n  - export: {formats: [jsonl]}\noutput: bad\n");
        var e = assertThrows(DataException.class, () -> Pipeline.build(r, StageRegistry.load())
                .run(RunSettings.quiet(true)));
        assertTrue(
                e.getMessage()
                        .contains("column 'vec', row v17 (line 18): a vector of 5 numbers; the first row's has 6"),
                e.getMessage());
        Path r2 = TestFiles.write(
                dir,
                "text.yaml",
                "dataset: {path: bad.jsonl}\nstages:\n  - embed: {method: column, column: text}\n"
                        + "  - select: {method: uniform, budget: 5}\n  - export: {formats: [jsonl]}\noutput: t\n");
        var e2 = assertThrows(DataException.class, () -> Pipeline.build(r2, StageRegistry.load())
                .run(RunSettings.quiet(true)));
        assertTrue(e2.getMessage().contains("row v0 (line 1): a STRING value, not a list"), e2.getMessage());
        assertTrue(Files.notExists(dir.resolve("t/subset.jsonl")));
    }

    private static List<String> subset(Path jsonl, String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            JsonNode n = JSON.readTree(line);
            out.add(n.get("id").asText() + " " + n.get(prefix + "count").asLong() + " "
                    + n.get(prefix + "weight").asDouble() + " "
                    + Double.doubleToLongBits(n.get("low_rank_sensitivity").asDouble()));
        }
        return out;
    }
}
