package ai.curator.eval.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.curator.api.EvalTask;
import ai.curator.api.RecipeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalTaskRegistryTest {
    @Test
    void theThreeTasksAreRegistered() {
        assertEquals(
                List.of("gsm8k", "sql", "viggo"),
                EvalTask.all().stream().map(EvalTask::name).toList());
        assertEquals("validation", EvalTask.named("viggo").defaultSplit());
        assertEquals("viggo/test.csv", EvalTask.named("viggo").split("test").file());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        var e = assertThrows(RecipeException.class, () -> EvalTask.named("mmlu"));
        assertEquals("unknown evaluation task 'mmlu'; known: gsm8k, sql, viggo", e.getMessage());
        var s = assertThrows(
                RecipeException.class, () -> EvalTask.named("gsm8k").split("dev"));
        assertEquals("task gsm8k has no split 'dev'; known: test, train", s.getMessage());
    }
}
