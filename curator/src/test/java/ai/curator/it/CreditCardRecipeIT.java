package ai.curator.it;

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
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs recipes/credit-card-lowrank.yaml on the real UCI credit-card data: z-scored features,
 * logistic-regression losses, rank-5 low-rank sensitivity, 5,000 weighted draws.
 */
class CreditCardRecipeIT {
    @TempDir
    Path out;

    @Test
    void lowRankSensitivityOnRealData() {
        Recipe r = RecipeReader.read(TestFiles.repoRoot().resolve("recipes/credit-card-lowrank.yaml"));
        Assumptions.assumeTrue(
                Files.exists(r.datasetPath()), "needs the shared data folder beside the checkout: " + r.datasetPath());
        RunResult res = Pipeline.build(r.withOutput(out), StageRegistry.load()).run(RunSettings.quiet(false));
        Selection s = res.selection();
        assertEquals(30_000, res.table().rows());
        assertEquals(5_000, s.draws());
        assertTrue(s.size() < 5_000, "sampling with replacement repeats high-sensitivity rows");
        // The weighted subset estimates the number of rows: Σ count·weight ≈ N (an unbiased estimate of Σ 1).
        double est = 0;
        for (int i = 0; i < s.size(); i++) {
            est += s.counts()[i] * s.weights()[i];
        }
        assertEquals(30_000, est, 30_000 * 0.15, "Σ count·weight estimates N");
        assertTrue(Files.exists(out.resolve("subset.parquet")));
        assertTrue(Files.exists(out.resolve("subset.jsonl.provenance.json")));
    }
}
