package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paper 003's pipelines on Spark {@code local[2]} and on one machine: z-scored features, low-rank
 * sensitivity in basis mode with ℓ = ‖x‖² (§4.1) or in landmark mode with losses from a column and
 * kernel ridge (§4.2), then sensitivity sampling or top-M. 20,000 rows (two chunks of the SVD's
 * reductions) in small partitions give the same σ to the last bit and the same subset.
 */
class SparkLowRankTest {
    @TempDir
    Path dir;

    @Test
    void sameScoresAndSubsetAsOneMachine() throws Exception {
        SplittableRandom r = new SplittableRandom(21);
        StringBuilder b = new StringBuilder("id,a,b,c,d,e,f,g,loss,label\n");
        for (int i = 0; i < 20_000; i++) {
            double u = r.nextDouble() * 4 - 2;
            double v = r.nextDouble() * 2 - 1;
            b.append("k").append(i);
            double[] x = {
                u,
                v,
                u + v + 0.05 * r.nextDouble(),
                u - 2 * v + 0.1 * r.nextDouble(),
                r.nextDouble(),
                3 * u + 0.2 * r.nextDouble(),
                r.nextInt(5)
            };
            for (double z : x) {
                b.append(',').append(String.format(Locale.ROOT, "%.6f", z));
            }
            b.append(String.format(Locale.ROOT, ",%.6f", Math.abs(u) + v * v + 0.1 * r.nextDouble()));
            b.append(',').append(i % 3).append('\n');
        }
        Files.writeString(dir.resolve("t.csv"), b);
        String basis = "{method: low_rank_sensitivity, mode: basis, rank: 3}";
        // §4.2: landmarks by leverage, their losses from a data column, kernel ridge to the rest
        String landmarks = "{method: low_rank_sensitivity, rank: 3, lambda: 0.5, loss: {source: column, column: loss}}";
        for (String[] stages : new String[][] {
            {basis, "{method: sensitivity_sampling, budget: 10%}"},
            {basis, "{method: top_m, budget: 500, descending: false}"},
            {landmarks, "{method: sensitivity_sampling, budget: 10%}"}
        }) {
            String select = stages[1];
            Path f = dir.resolve("lr.yaml");
            Files.writeString(
                    f,
                    "dataset: {path: t.csv, label: label}\nseed: 5\nstages:\n"
                            + "  - embed: {method: features, columns: [a, b, c, d, e, f, g]}\n"
                            + "  - score: " + stages[0] + "\n"
                            + "  - select: " + select + "\n"
                            + "  - export: {formats: [jsonl]}\noutput: one\n");
            Recipe recipe = RecipeReader.read(f);
            Pipeline.build(recipe, StageRegistry.load()).run(RunSettings.quiet(true));
            List<String> one = SubsetRows.file(dir.resolve("one/subset.jsonl"), "low_rank_sensitivity");

            System.setProperty("spark.sql.files.maxPartitionBytes", "262144");
            try {
                Engine.Result res = new SparkEngine()
                        .run(
                                recipe.withOutput(dir.resolve("cluster")),
                                new Engine.Settings("local[2]", false, new PrintStream(System.err)));
                assertEquals(20_000, res.rows());
            } finally {
                System.clearProperty("spark.sql.files.maxPartitionBytes");
            }
            List<String> cluster = SubsetRows.folder(dir.resolve("cluster/subset.jsonl"), "low_rank_sensitivity");
            assertTrue(one.size() >= 500, one.size() + " rows");
            assertEquals(one, cluster, stages[0] + " then " + select);
        }
    }
}
