package ai.curator.lm.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.Generator.Message;
import ai.curator.lm.Stories260k;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.LmGenerator;
import ai.curator.lm.model.SequenceLoss;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LmExamples} gives {@link LmGenerator#example}'s ids, in every chat format, and cuts only the prompt's start. */
class LmExamplesIT {
    static final String[][] ROWS = {
        {"Tom had a red ball.", "He liked to play with it every day."},
        {"", "Once upon a time"},
        {"Lily saw a big dog. It was brown.", "The dog was happy and wagged its tail."},
    };

    @Test
    void theIdsAreLmGeneratorsInEveryFormat() throws Exception {
        try (CausalLm lm = CausalLm.load(CheckpointLoader.load(Stories260k.gguf()))) {
            for (ChatFormat f : new ChatFormat[] {null, ChatFormat.PLAIN, ChatFormat.CHATML, ChatFormat.LLAMA3}) {
                LmGenerator gen = new LmGenerator(lm, new LmGenerator.Options(1, f));
                LmExamples ex = new LmExamples(lm, f, null, false, "");
                assertEquals(gen.format(), ex.format());
                for (String[] row : ROWS) {
                    SequenceLoss.Example want = gen.example("x", List.of(new Message("user", row[0])), row[1]);
                    LmExamples.Built got = ex.example("row x", row[0], row[1]);
                    assertArrayEquals(want.prompt(), got.example().prompt(), f + " " + row[0]);
                    assertArrayEquals(want.response(), got.example().response(), f + " " + row[1]);
                    assertEquals(want.prompt().length + want.response().length, got.tokens());
                    assertTrue(!got.truncated());
                }
            }
            // plain on a Llama model: BOS (1) first, the response ends with EOS (2)
            LmExamples.Built b = new LmExamples(lm, null, null, false, "").example("r", "Tom", "He ran.");
            assertEquals(1, b.example().prompt()[0]);
            assertEquals(2, b.example().response()[b.example().response().length - 1]);
        }
    }

    @Test
    void aTooLongRowIsNamedOrHasItsPromptCut() throws Exception {
        try (CausalLm lm = CausalLm.load(CheckpointLoader.load(Stories260k.gguf()))) {
            String[] row = ROWS[2];
            SequenceLoss.Example full = new LmExamples(lm, null, null, false, "")
                    .example("r", row[0], row[1])
                    .example();
            int n = full.prompt().length + full.response().length;
            int limit = full.response().length + 3;
            var e = assertThrows(DataException.class, () -> new LmExamples(lm, null, limit, false, " (hint)")
                    .example("row id '7'", row[0], row[1]));
            assertEquals(
                    "row id '7' has " + n + " tokens (" + full.prompt().length + " prompt + " + full.response().length
                            + " response); the limit is " + limit + " (hint)",
                    e.getMessage());
            LmExamples.Built cut = new LmExamples(lm, null, limit, true, "").example("r", row[0], row[1]);
            assertTrue(cut.truncated());
            assertEquals(limit, cut.tokens());
            assertArrayEquals(full.response(), cut.example().response());
            assertArrayEquals(
                    Arrays.copyOfRange(full.prompt(), full.prompt().length - 3, full.prompt().length),
                    cut.example().prompt());
            // the response alone fills the limit: a quarter of it keeps the prompt's end, the rest the response's start
            int small = full.response().length;
            LmExamples.Built both = new LmExamples(lm, null, small, true, "").example("r", row[0], row[1]);
            assertTrue(both.truncated());
            int keep = Math.max(1, small / 4);
            assertArrayEquals(
                    Arrays.copyOfRange(full.prompt(), full.prompt().length - keep, full.prompt().length),
                    both.example().prompt());
            assertArrayEquals(
                    Arrays.copyOf(full.response(), small - keep), both.example().response());
            var empty = assertThrows(DataException.class, () -> new LmExamples(lm, null, null, false, "")
                    .example("row id 'z'", "Tom", ""));
            assertEquals("row id 'z' has an empty response; there is nothing to score", empty.getMessage());
            var range = assertThrows(IllegalArgumentException.class, () -> new LmExamples(lm, null, 1, false, ""));
            assertTrue(range.getMessage().startsWith("max_length must be in [2, "), range.getMessage());
        }
    }
}
