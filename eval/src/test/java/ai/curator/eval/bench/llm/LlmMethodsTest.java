package ai.curator.eval.bench.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.StageRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every method's selection recipe: its stages, and that the recipe builds with the real stages. */
class LlmMethodsTest {
    @TempDir
    Path dir;

    private static List<String> roles(JsonNode stages) {
        List<String> r = new ArrayList<>();
        for (JsonNode s : stages) {
            String role = s.fieldNames().next();
            r.add(role + ":" + s.path(role).path("method").asText());
        }
        return r;
    }

    @Test
    void everyMethodsSelectionRecipeBuilds() throws Exception {
        LlmBenchArgs a = new LlmBenchArgs();
        a.model = LlmBenchArgs.stories260K();
        a.dataRoot = LlmBenchArgs.viggo(dir, 40, 6);
        a.out = dir.resolve("bench");
        a.methods = LlmMethods.NAMES;
        a.budgets = List.of("25%");
        a.seeds = 1;
        a.landmarks = 0.3;
        LlmBench bench =
                new LlmBench(a.build(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        bench.dryRun(List.of());
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Path runs = a.out.resolve("runs");
        for (String m : LlmMethods.NAMES) {
            if (m.equals("full")) {
                continue;
            }
            Path recipe = runs.resolve("viggo-" + m + "-25pct-s1/select.yaml");
            Pipeline.build(recipe, StageRegistry.load());
            JsonNode y = yaml.readTree(recipe.toFile());
            List<String> roles = roles(y.path("stages"));
            assertEquals("export:files", roles.get(roles.size() - 1), m);
            assertEquals(LlmMethods.embeds(m), roles.get(0).equals("embed:encoder"), m);
            assertEquals(LlmMethods.usesLosses(m), y.toString().contains("\"source\":\"lm\""), m);
            switch (m) {
                case "uniform" -> assertEquals(List.of("select:uniform", "export:files"), roles);
                case "clustering" -> {
                    assertEquals(
                            List.of(
                                    "embed:encoder",
                                    "score:clustering_sensitivity",
                                    "select:sensitivity_sampling",
                                    "export:files"),
                            roles);
                    // as many clusters as low-rank has landmarks: 0.3 × 40 rows
                    assertEquals(12, y.at("/stages/1/score/clusters").asInt());
                    assertEquals(10, y.at("/stages/1/score/restarts").asInt());
                }
                case "lowrank" -> {
                    assertEquals(
                            List.of(
                                    "embed:encoder",
                                    "score:low_rank_sensitivity",
                                    "select:sensitivity_sampling",
                                    "export:files"),
                            roles);
                    assertEquals("landmarks", y.at("/stages/1/score/mode").asText());
                    assertEquals(0.3, y.at("/stages/1/score/landmarks").asDouble());
                    assertEquals(0, y.at("/stages/1/score/gamma").asDouble());
                }
                case "k_means" -> assertEquals(List.of("embed:encoder", "select:k_means", "export:files"), roles);
                case "k_center" -> assertEquals(
                        List.of("embed:encoder", "select:k_center_greedy", "export:files"), roles);
                case "nn_thinning" -> assertEquals(
                        List.of("embed:encoder", "select:nn_thinning", "export:files"), roles);
                default -> throw new AssertionError("a method this test does not know: " + m);
            }
        }
        assertFalse(LlmMethods.embeds("full") || LlmMethods.embeds("uniform"));
        assertTrue(LlmMethods.usesLosses("clustering") && LlmMethods.usesLosses("lowrank"));
        assertEquals(1, LlmMethods.clusters(a.build(), 1), "0.3 × 1 row rounds to 0: at least one cluster");
    }
}
