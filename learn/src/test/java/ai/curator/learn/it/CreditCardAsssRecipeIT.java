package ai.curator.learn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.Selection;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunResult;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import ai.curator.tabular.Labels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the bundled recipes/credit-card-asss.yaml on the real UCI credit-card default data (30,000
 * rows): z-scored features, {@code asss_bilevel} with each class's quota drawn ∝ the learned p,
 * export. Twice, into two folders: the subset files must be byte-identical.
 */
class CreditCardAsssRecipeIT {
    @TempDir
    Path dir;

    @Test
    void learnedSelectionOnRealDataIsStratifiedDrawnByPAndReproducible() throws Exception {
        Recipe r = RecipeReader.read(TestFiles.repoRoot().resolve("recipes/credit-card-asss.yaml"));
        Assumptions.assumeTrue(
                Files.exists(r.datasetPath()), "needs the shared data folder beside the checkout: " + r.datasetPath());
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        RunResult res = Pipeline.build(r.withOutput(a), StageRegistry.load()).run(RunSettings.quiet(false));

        assertEquals(30_000, res.table().rows());
        Selection s = res.selection();
        assertEquals(9_000, s.size(), "budget 0.3 of 30,000 rows");
        for (int i = 0; i < s.size(); i++) {
            assertEquals(1, s.counts()[i]);
            assertEquals(30_000 / 9_000.0, s.weights()[i], 1e-12, "every kept row weighs N/M");
        }

        // Proportional class quotas: 23,364 and 6,636 rows -> 7,009.2 and 1,990.8 -> 7,009 and 1,991.
        Labels labels = Labels.of(res.table(), "default payment next month");
        int[] y = labels.y();
        assertArrayEquals(new int[] {23_364, 6_636}, Labels.counts(y, 2));
        int[] keptPerClass = new int[2];
        boolean[] kept = new boolean[y.length];
        for (int row : s.rows()) {
            keptPerClass[y[row]]++;
            kept[row] = true;
        }
        assertArrayEquals(new int[] {7_009, 1_991}, keptPerClass);

        // Every row's learned p is exported as a score column, and rows were drawn ∝ p within a class:
        // the kept rows' mean p is above the dropped rows' in each class.
        double[] p = res.scores().get("asss_bilevel_p");
        assertEquals(30_000, p.length);
        for (int c = 0; c < 2; c++) {
            double[] sum = new double[2];
            int[] cnt = new int[2];
            for (int i = 0; i < y.length; i++) {
                assertTrue(p[i] > 0 && p[i] < 1, "p in (0, 1) at row " + i + ": " + p[i]);
                if (y[i] == c) {
                    int k = kept[i] ? 1 : 0;
                    sum[k] += p[i];
                    cnt[k]++;
                }
            }
            assertTrue(
                    sum[1] / cnt[1] > sum[0] / cnt[0],
                    "class " + c + ": mean p kept " + sum[1] / cnt[1] + " vs dropped " + sum[0] / cnt[0]);
        }

        JsonNode first = new ObjectMapper()
                .readTree(Files.readAllLines(a.resolve("subset.jsonl")).get(0));
        assertTrue(first.has("asss_bilevel_p") && first.has("weight") && first.has("ID"), first.toString());
        for (String f : new String[] {
            "subset.parquet",
            "subset.parquet.provenance.json",
            "subset.jsonl.provenance.json",
            "asss_bilevel-p-histogram.png",
            "asss_bilevel-class-fraction.png"
        }) {
            assertTrue(Files.size(a.resolve(f)) > 0, f);
        }

        Pipeline.build(r.withOutput(b), StageRegistry.load()).run(RunSettings.quiet(false));
        for (String f : new String[] {"subset.jsonl", "subset.parquet"}) {
            assertArrayEquals(
                    Files.readAllBytes(a.resolve(f)),
                    Files.readAllBytes(b.resolve(f)),
                    f + " differs between two runs");
        }
    }
}
