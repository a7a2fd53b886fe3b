package ai.curator.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The golden file of the Python reference is self-consistent (its model files are checked in {@code Stories260kIT}). */
class Stories260kGoldenTest {
    /**
     * The model's greedy story starts with the prompt, so the argmax of the logits at each prompt
     * position is the next prompt token, and after the last one the first greedy token past it.
     */
    @Test
    void logitsAgreeWithTheGreedyContinuation() {
        JsonNode g = Stories260k.golden();
        int[] seq = Stories260k.ints(g.get("logits_ids"));
        int[] prompt = Stories260k.ints(g.get("prompt_ids"));
        int[] greedy = Stories260k.ints(g.get("greedy_ids"));
        float[][] logits = Stories260k.logits();
        assertEquals(1, seq[0]);
        assertArrayEquals(prompt, Arrays.copyOfRange(seq, 1, seq.length));
        assertArrayEquals(prompt, Arrays.copyOf(greedy, prompt.length));
        assertEquals(seq.length, logits.length);
        for (int pos = 0; pos < logits.length; pos++) {
            assertEquals(512, logits[pos].length);
            int best = 0;
            for (int v = 1; v < 512; v++) {
                if (logits[pos][v] > logits[pos][best]) {
                    best = v;
                }
            }
            assertEquals(greedy[pos], best, "argmax at position " + pos);
        }
        assertTrue(g.get("greedy_text").asText().startsWith("Once upon a time, there was a little girl"));
    }
}
