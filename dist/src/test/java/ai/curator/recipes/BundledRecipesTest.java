package ai.curator.recipes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.StageProvider;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.RecipeReader;
import ai.curator.score.LossSources;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * recipes/reference.yaml documents every stage and option, and every bundled recipe is valid.
 * It lives in dist, whose test class path holds every module's stages.
 */
class BundledRecipesTest {
    private static final Path REFERENCE = TestFiles.repoRoot().resolve("recipes/reference.yaml");

    @Test
    void documentsEveryStageAndOption() throws Exception {
        String text = Files.readString(REFERENCE);
        for (StageProvider<?> p : StageRegistry.load().all()) {
            String header = "# " + p.role() + ": " + p.method() + " ";
            int at = text.indexOf(header);
            assertTrue(at >= 0, "reference.yaml lacks a section starting '" + header + "'");
            int end = text.indexOf("\n  # ", at + 1);
            String section = text.substring(at, end < 0 ? text.length() : end);
            for (var c : p.optionsType().getRecordComponents()) {
                String key = PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName());
                Matcher m =
                        Pattern.compile("(?m)^\\s+" + Pattern.quote(key) + ":").matcher(section);
                assertTrue(
                        m.find(),
                        "reference.yaml's " + p.role() + ": " + p.method() + " section lacks option '" + key + "'");
            }
        }
        for (LossSourceProvider<?> p : LossSources.load().all()) {
            String header = "# loss: " + p.name() + " ";
            int at = text.indexOf(header);
            assertTrue(at >= 0, "reference.yaml lacks a section starting '" + header + "'");
            int end = text.indexOf("\n  # ", at + 1);
            String section = text.substring(at, end < 0 ? text.length() : end);
            assertTrue(
                    Pattern.compile("(?m)^\\s+source: " + Pattern.quote(p.name()) + "\\b")
                            .matcher(section)
                            .find(),
                    "reference.yaml's loss: " + p.name() + " section lacks 'source: " + p.name() + "'");
            for (var c : p.optionsType().getRecordComponents()) {
                String key = PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName());
                Matcher m =
                        Pattern.compile("(?m)^\\s+" + Pattern.quote(key) + ":").matcher(section);
                assertTrue(m.find(), "reference.yaml's loss: " + p.name() + " section lacks option '" + key + "'");
            }
        }
        for (String k : RecipeReader.TOP_KEYS) {
            assertTrue(Pattern.compile("(?m)^" + k + ":").matcher(text).find(), "top-level key " + k);
        }
        for (String k : RecipeReader.DATASET_KEYS) {
            assertTrue(Pattern.compile("(?m)^  " + k + ":").matcher(text).find(), "dataset key " + k);
        }
    }

    @Test
    void everyEntryResolves() {
        // reference.yaml lists alternatives side by side (several select stages), so it is not one
        // runnable plan; every entry's method and options must still be valid.
        assertTrue(Pipeline.resolve(RecipeReader.read(REFERENCE), StageRegistry.load())
                        .size()
                >= StageRegistry.load().all().size());
    }

    /**
     * Every bundled recipe builds. Recipes that name the project's {@code shared/} folder (its data
     * sets, the stories260K model) are checked only where that folder is beside the checkout; the
     * test then reports the ones it left out as skipped, with the reason.
     */
    @Test
    void everyBundledRecipeIsValid() throws Exception {
        boolean shared = Files.isDirectory(TestFiles.repoRoot().resolve("../shared"));
        java.util.List<String> leftOut = new java.util.ArrayList<>();
        try (var s = Files.list(REFERENCE.getParent())) {
            for (Path r :
                    (Iterable<Path>) s.filter(f -> f.toString().endsWith(".yaml") && !f.equals(REFERENCE))::iterator) {
                if (!shared && Files.readString(r).contains("shared/")) {
                    leftOut.add(r.getFileName().toString());
                    continue;
                }
                Pipeline.build(r, StageRegistry.load());
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(
                leftOut.isEmpty(),
                "no shared/ folder beside the checkout, so these recipes were not built: " + leftOut);
    }
}
