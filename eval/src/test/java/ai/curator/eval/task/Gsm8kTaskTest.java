package ai.curator.eval.task;

import static ai.curator.eval.task.Examples.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.EvalTask;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gsm8kTaskTest {
    private final Gsm8kTask task = new Gsm8kTask();
    private static final String GOLD = "She has 2 * 500 = <<2*500=1000>>1000 dollars.\n#### 1000";

    @Test
    void haloTakesTheTextAfterTheLastHashes() {
        assertEquals("1000", Gsm8kAnswers.halo(GOLD));
        assertEquals("7", Gsm8kAnswers.halo("#### 3\nno wait #### 7  \n"));
        assertEquals("the answer is 1000", Gsm8kAnswers.halo("  the answer is 1000\n"));
        // Python strips a non-breaking space; Java's String.strip() would not
        assertEquals("1000", Gsm8kAnswers.halo("####\u00a01000\u00a0"));
    }

    @Test
    void exactIsHalosRule() {
        EvalTask.Scored s = task.score(Examples.of(GOLD), "The total is 1000.\n#### 1000");
        assertTrue(ok(s, "exact"));
        assertEquals("1000", s.answer());
        assertTrue(s.correct());
        assertFalse(ok(task.score(Examples.of(GOLD), "#### 1,000"), "exact"));
        assertFalse(ok(task.score(Examples.of(GOLD), "#### $1000"), "exact"));
    }

    @Test
    void withoutHashesTheWholeOutputIsCompared() {
        assertTrue(ok(task.score(Examples.of(GOLD), " 1000 "), "exact"), "a bare answer equals the reference's");
        EvalTask.Scored s = task.score(Examples.of(GOLD), "So she has 1000 dollars.");
        assertFalse(ok(s, "exact"));
        assertFalse(ok(s, "normalized"));
        assertTrue(ok(s, "flexible"), "the last number is 1000");
    }

    @Test
    void normalizedAcceptsCommasDollarsAndTrailingZeros() {
        assertTrue(ok(task.score(Examples.of(GOLD), "#### 1,000"), "normalized"));
        assertTrue(ok(task.score(Examples.of(GOLD), "#### $1000"), "normalized"));
        assertTrue(ok(task.score(Examples.of(GOLD), "#### 1000.00"), "normalized"));
        assertTrue(ok(task.score(Examples.of(GOLD), "#### 1000."), "normalized"));
        assertFalse(ok(task.score(Examples.of(GOLD), "#### 100"), "normalized"));
        assertEquals("5", Gsm8kAnswers.normalize("$5"));
        assertEquals("1000", Gsm8kAnswers.normalize("1,000"));
        assertEquals("-0.5", Gsm8kAnswers.normalize("-0.50"));
        assertEquals("0", Gsm8kAnswers.normalize("-0.0"));
        assertEquals("five", Gsm8kAnswers.normalize("Five"));
    }

    @Test
    void flexibleTakesTheLastNumberAnywhere() {
        assertEquals("$1,000.", Gsm8kAnswers.lastNumber("3 boxes cost $1,000."));
        assertEquals("", Gsm8kAnswers.lastNumber("no digits here"));
        assertTrue(ok(task.score(Examples.of("#### 5"), "It costs $5 in total"), "flexible"));
        assertFalse(ok(task.score(Examples.of("#### 5"), "5 apples, then 6"), "flexible"));
        assertFalse(ok(task.score(Examples.of("#### 5"), "nothing"), "flexible"));
    }

    @Test
    void readsQuestionAndWorkedAnswer(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(
                f,
                "{\"question\": \"How many?\", \"answer\": \"2+2=4\\n#### 4\"}\n\n{\"question\": \"Q2\", \"answer\": \"#### 1\"}\n");
        var ex = task.examples(f);
        assertEquals(2, ex.size());
        assertEquals("1", ex.get(1).id());
        assertEquals("How many?", ex.get(0).promptText());
        assertEquals("2+2=4\n#### 4", ex.get(0).reference());
        assertEquals(
                "Solve: How many?", task.examples(f, "Solve: {question}").get(0).promptText());
    }

    @Test
    void badRowsNameFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, "{\"question\": \"a\", \"answer\": \"#### 1\"}\n{\"question\": \"b\"}\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                ai.curator.api.DataException.class, () -> task.examples(f));
        assertTrue(e.getMessage().contains("t.jsonl line 2: no 'answer' field"), e.getMessage());
        Files.writeString(f, "{\"question\": \"a\", \"answer\": \"#### 1\"}\n{oops\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(ai.curator.api.DataException.class, () -> task.examples(f));
        assertTrue(e.getMessage().contains("line 2: not a JSON object"), e.getMessage());
        Files.writeString(f, "{\"question\": \"a\", \"answer\": \"#### 1\"}\n");
        var r = org.junit.jupiter.api.Assertions.assertThrows(
                ai.curator.api.RecipeException.class, () -> task.examples(dir.resolve("t.jsonl"), "{nope}"));
        assertTrue(r.getMessage().contains("names field 'nope'"), r.getMessage());
    }
}
