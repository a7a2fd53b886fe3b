package ai.curator.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.StageProvider;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.RecipeReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** learn/reference.yaml documents every stage of this module and every option; its entries resolve. */
class LearnReferenceTest {
  private static final Path REFERENCE = TestFiles.repoRoot().resolve("learn/reference.yaml");

  @Test
  void documentsEveryStageAndOptionOfThisModule() throws Exception {
    String text = Files.readString(REFERENCE);
    int n = 0;
    for (StageProvider<?> p : StageRegistry.load().all()) {
      if (!p.getClass().getName().startsWith("ai.curator.learn.")) {
        continue;
      }
      n++;
      String header = "# " + p.role() + ": " + p.method() + " ";
      int at = text.indexOf(header);
      assertTrue(at >= 0, "learn/reference.yaml lacks a section starting '" + header + "'");
      int end = text.indexOf("\n  # ", at + 1);
      String section = text.substring(at, end < 0 ? text.length() : end);
      for (var c : p.optionsType().getRecordComponents()) {
        String key = PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName());
        assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(key) + ":").matcher(section).find(),
            "section " + p.method() + " lacks option '" + key + "'");
      }
    }
    assertTrue(n >= 2, "found " + n + " stages of ai.curator.learn");
    assertTrue(Pipeline.resolve(RecipeReader.read(REFERENCE), StageRegistry.load()).size() >= 3);
  }
}
