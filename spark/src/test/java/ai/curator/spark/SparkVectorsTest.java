package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code embed: column} (vectors given with the data) on Spark {@code local[2]} against one machine. */
class SparkVectorsTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("spark.sql.files.maxPartitionBytes");
    }

    private Path data(int n, int badRow) throws Exception {
        SplittableRandom r = new SplittableRandom(6);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            List<String> v = new ArrayList<>();
            for (int j = 0; j < (i == badRow ? 5 : 6); j++) {
                v.add(String.format(Locale.ROOT, "%.7f", r.nextGaussian() * (j + 1)));
            }
            b.append("{\"id\":\"v")
                    .append(i)
                    .append("\",\"vec\":[")
                    .append(String.join(",", v))
                    .append("]}\n");
        }
        Path f = dir.resolve("v" + badRow + ".jsonl");
        Files.writeString(f, b);
        return f;
    }

    private Path recipe(Path data, String name) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(
                f,
                "seed: 9\ndataset: {path: " + data.getFileName() + "}\nstages:\n"
                        + "  - embed: {method: column, column: vec}\n"
                        + "  - score: {method: low_rank_sensitivity, mode: basis, rank: 2}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 15%}\n"
                        + "  - export: {formats: [jsonl]}\noutput: " + name + "\n");
        return f;
    }

    @Test
    void givenVectorsGiveOneMachinesSubset() throws Exception {
        Recipe r = RecipeReader.read(recipe(data(3000, -1), "one"));
        Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(true));
        List<String> one = SubsetRows.file(dir.resolve("one/subset.jsonl"), "low_rank_sensitivity");
        System.setProperty("spark.sql.files.maxPartitionBytes", "16384");
        new SparkEngine().run(r.withOutput(dir.resolve("spark")), new Engine.Settings("local[2]", false, QUIET));
        assertTrue(one.size() > 300, one.size() + " rows");
        assertEquals(one, SubsetRows.folder(dir.resolve("spark/subset.jsonl"), "low_rank_sensitivity"));
    }

    @Test
    void aVectorOfAnotherLengthIsNamed() throws Exception {
        Recipe r = RecipeReader.read(recipe(data(500, 321), "bad"));
        var e = assertThrows(
                DataException.class, () -> new SparkEngine().run(r, new Engine.Settings("local[2]", false, QUIET)));
        assertTrue(
                e.getMessage()
                        .contains("column 'vec', row 321 (id v321): a vector of 5 numbers; the first row's has 6"),
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("bad/subset.jsonl")));
    }
}
