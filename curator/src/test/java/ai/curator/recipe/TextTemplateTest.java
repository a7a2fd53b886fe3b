package ai.curator.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTemplateTest {
    private static final Table TABLE = new Table(
            List.of(
                    Column.ofStrings("question", new String[] {"2+2?", null}),
                    Column.ofLongs("n", new long[] {4, 5}, null),
                    Column.ofJson("messages", new String[] {
                        "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]", "[]"
                    })),
            null,
            new long[] {1, 2});

    @Test
    void rendersFieldsNumbersAndChat() {
        assertEquals("Q: 2+2? = 4 {x}", new TextTemplate("Q: {question} = {n} {{x}}").render(TABLE, 0));
        assertEquals("user: hi\nassistant: hello", new TextTemplate("{messages}").render(TABLE, 0));
        assertEquals(List.of("question", "n"), new TextTemplate("{question}{n}").fields());
    }

    @Test
    void syntaxErrors() {
        assertThrows(RecipeException.class, () -> new TextTemplate("{question"));
        assertThrows(RecipeException.class, () -> new TextTemplate("a } b {q}"));
        assertThrows(RecipeException.class, () -> new TextTemplate("no fields"));
        assertThrows(RecipeException.class, () -> new TextTemplate("{}"));
    }

    @Test
    void missingFieldAndNullValueNameTheirPlace() {
        RecipeException missing =
                assertThrows(RecipeException.class, () -> new TextTemplate("{answer}").check(TABLE, "f.jsonl"));
        assertTrue(
                missing.getMessage()
                        .contains(
                                "uses field 'answer', which f.jsonl does not have; its fields are [question, n, messages]"),
                missing.getMessage());
        DataException nul =
                assertThrows(DataException.class, () -> new TextTemplate("{question}").check(TABLE, "f.jsonl"));
        assertTrue(
                nul.getMessage().startsWith("f.jsonl:2: row 1 (id 1) has no value for 'question'"), nul.getMessage());
    }
}
