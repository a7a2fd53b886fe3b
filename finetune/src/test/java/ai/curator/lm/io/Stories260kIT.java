package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.Stories260k;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The real stories260K model in both its formats against each other and the Python reference's golden file. */
class Stories260kIT {
    @Test
    void llama2cCheckpointLoadsWithItsPublishedShape() throws IOException {
        Checkpoint c = Llama2cLoader.load(Stories260k.llama2c(), null);
        ModelConfig m = c.config();
        assertEquals(
                new ModelConfig(
                        ModelConfig.Architecture.LLAMA, 512, 64, 172, 5, 8, 4, 512, 1e-5, 10000, true, false, 1, 2),
                m);
        assertEquals(CheckpointLayout.expected(m).keySet(), c.tensors().keySet());
        assertFalse(c.tensors().containsKey("lm_head.weight"), "tied: no lm_head");
        assertArrayEquals(
                new long[] {32, 64},
                c.tensor("model.layers.4.self_attn.k_proj.weight").shape());
        assertEquals(512, c.tokenizer().vocabSize());
    }

    /** Row 2i of each head of the file's wq is row i of ours, row 2i+1 is row i + headDim/2. */
    @Test
    void queryRowsArePermutedToRotateHalfOrder() throws IOException {
        Checkpoint c = Llama2cLoader.load(Stories260k.llama2c(), null);
        ByteBuffer raw =
                ByteBuffer.wrap(Files.readAllBytes(Stories260k.llama2c())).order(ByteOrder.LITTLE_ENDIAN);
        int dim = 64, vocab = 512, layers = 5, headDim = 8;
        long wq0 = 28 + 4L * (vocab * dim + layers * dim); // layer 0's wq
        float[] q = c.tensor("model.layers.0.self_attn.q_proj.weight").data();
        for (int head = 0; head < 8; head++) {
            for (int i = 0; i < headDim / 2; i++) {
                for (int col = 0; col < dim; col += 13) {
                    float even = raw.getFloat((int) (wq0 + 4L * ((head * headDim + 2 * i) * dim + col)));
                    float odd = raw.getFloat((int) (wq0 + 4L * ((head * headDim + 2 * i + 1) * dim + col)));
                    assertEquals(even, q[(head * headDim + i) * dim + col]);
                    assertEquals(odd, q[(head * headDim + headDim / 2 + i) * dim + col]);
                }
            }
        }
    }

    @Test
    void tokenizerMatchesThePythonReference() throws IOException {
        Checkpoint c = Llama2cLoader.load(Stories260k.llama2c(), Stories260k.tokenizer());
        JsonNode g = Stories260k.golden();
        assertArrayEquals(
                Stories260k.ints(g.get("prompt_ids")),
                c.tokenizer().encode(g.get("prompt").asText()));
        assertEquals(g.get("greedy_text").asText(), c.tokenizer().decode(Stories260k.ints(g.get("greedy_ids"))));
        assertEquals(
                g.get("prompt").asText(),
                c.tokenizer().decode(c.tokenizer().encode(g.get("prompt").asText())));
        assertTrue(g.get("greedy_text").asText().startsWith("Once upon a time"));
    }
}
