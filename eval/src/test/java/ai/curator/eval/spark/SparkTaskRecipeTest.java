package ai.curator.eval.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import ai.curator.spark.SparkEngine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task recipe ({@code dataset: {task: gsm8k}}) on Spark {@code local[2]}: the split read by the
 * task's own reader on the driver (id, raw fields, prompt, response), then drawn as one machine
 * draws it — the exported rows equal field by field.
 */
class SparkTaskRecipeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aTaskSplitLoadsAndDrawsAsOnOneMachine() throws IOException {
        Path split = Path.of("../data/gsm8k/train-1k.jsonl").toAbsolutePath().normalize();
        Path f = dir.resolve("task.yaml");
        Files.writeString(
                f,
                "dataset: {task: gsm8k, split: train, path: \"" + split + "\", text: \"{prompt}\"}\nseed: 3\n"
                        + "stages:\n  - score: {method: uniform}\n  - select: {method: sensitivity_sampling, budget: 20%}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out-task\n");
        Recipe r = RecipeReader.read(f);
        Pipeline.build(r, StageRegistry.load()).run(RunSettings.quiet(true));
        List<String> one = Files.readAllLines(r.output().resolve("subset.jsonl"));
        Engine.Result res = new SparkEngine()
                .run(
                        r.withOutput(dir.resolve("out-task-spark")),
                        new Engine.Settings("local[2]", false, new PrintStream(System.err)));
        assertEquals(1000, res.rows());
        List<String> cluster = new ArrayList<>();
        try (Stream<Path> parts = Files.list(dir.resolve("out-task-spark/subset.jsonl"))) {
            for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .sorted()
                    .toList()) {
                cluster.addAll(Files.readAllLines(p));
            }
        }
        assertTrue(one.size() > 150, one.size() + " rows");
        assertEquals(one.size(), cluster.size());
        for (int i = 0; i < one.size(); i++) {
            // the task's id, raw fields, prompt, response, weight, count, score, method
            assertEquals(JSON.readTree(one.get(i)), JSON.readTree(cluster.get(i)), "row " + i);
        }
    }
}
