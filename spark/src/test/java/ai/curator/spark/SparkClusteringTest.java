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
 * {@code score: clustering_sensitivity} on Spark {@code local[2]} and on one machine: k-means++
 * with restarts, Lloyd, representatives' losses from a column or ‖x‖², σ, then sensitivity
 * sampling. 40,000 rows are three chunks of the k-means sums, so the D² draws, centroid means and
 * inertia are summed across chunks (and partitions); a data set with 6 distinct points and 9
 * clusters takes the zero-distance draws and the empty-cluster re-seeding; {@code select: k_means}
 * keeps the row nearest each centroid. Same σ to the last bit, same subset and weights.
 */
class SparkClusteringTest {
    @TempDir
    Path dir;

    @Test
    void sameScoresAndSubsetAsOneMachine() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        StringBuilder b = new StringBuilder("id,a,b,c,d,e,loss,p,q\n");
        for (int i = 0; i < 40_000; i++) {
            int blob = r.nextInt(6);
            double u = blob + 0.3 * r.nextGaussian();
            double v = (blob % 3) - 0.2 * r.nextGaussian();
            b.append("k").append(i);
            double[] x = {u, v, u + v + 0.05 * r.nextDouble(), u - 2 * v + 0.1 * r.nextDouble(), r.nextDouble()};
            for (double z : x) {
                b.append(',').append(String.format(Locale.ROOT, "%.6f", z));
            }
            b.append(String.format(Locale.ROOT, ",%.6f", Math.abs(u) + v * v + 0.1 * r.nextDouble()));
            // two coarse columns: 6 distinct points in all
            b.append(',').append(r.nextInt(2)).append(',').append(r.nextInt(3)).append('\n');
        }
        Files.writeString(dir.resolve("t.csv"), b);
        String[][] cases = {
            {
                "{method: features, columns: [a, b, c, d, e]}",
                "{method: clustering_sensitivity, clusters: 12, restarts: 2, lambda: 0.5,"
                        + " loss: {source: column, column: loss}}"
            },
            {"{method: features, columns: [p, q], standardize: false}", "{method: clustering_sensitivity, clusters: 9}"
            },
            // select: k_means: the row nearest each of 40 centroids, weighted by cluster size (no score stage)
            {"{method: features, columns: [a, b, c, d, e]}", null}
        };
        for (String[] c : cases) {
            Path f = dir.resolve("cs.yaml");
            Files.writeString(
                    f,
                    "dataset: {path: t.csv}\nseed: 11\nstages:\n"
                            + "  - embed: " + c[0] + "\n"
                            + (c[1] == null
                                    ? "  - select: {method: k_means, budget: 40, restarts: 2}\n"
                                    : "  - score: " + c[1] + "\n"
                                            + "  - select: {method: sensitivity_sampling, budget: 5%}\n")
                            + "  - export: {formats: [jsonl]}\noutput: one\n");
            Recipe recipe = RecipeReader.read(f);
            Pipeline.build(recipe, StageRegistry.load()).run(RunSettings.quiet(true));
            String score = c[1] == null ? null : "clustering_sensitivity";
            List<String> one = SubsetRows.file(dir.resolve("one/subset.jsonl"), score);

            System.setProperty("spark.sql.files.maxPartitionBytes", "524288");
            try {
                Engine.Result res = new SparkEngine()
                        .run(
                                recipe.withOutput(dir.resolve("cluster")),
                                new Engine.Settings("local[2]", false, new PrintStream(System.err)));
                assertEquals(40_000, res.rows());
            } finally {
                System.clearProperty("spark.sql.files.maxPartitionBytes");
            }
            List<String> cluster = SubsetRows.folder(dir.resolve("cluster/subset.jsonl"), score);
            assertTrue(one.size() >= (c[1] == null ? 40 : 300), one.size() + " rows");
            assertEquals(one, cluster, c[1]);
        }
    }
}
