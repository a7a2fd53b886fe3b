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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

    /**
     * The two files of one model agree: the same tensors bit for bit after each loader's rename and
     * q/k permutation, the same vocabulary and scores, the same config except the context length
     * (the GGUF's llama.context_length says 2048, the llama2.c header 512, the length it was trained at).
     */
    @Test
    void ggufAndLlama2cGiveTheSameModel() throws IOException {
        Checkpoint bin = Llama2cLoader.load(Stories260k.llama2c(), null);
        Checkpoint gguf = GgufCheckpointLoader.load(Stories260k.gguf());
        ModelConfig b = bin.config();
        ModelConfig g = gguf.config();
        assertEquals(2048, g.maxPositions());
        assertEquals(
                b,
                new ModelConfig(
                        g.architecture(),
                        g.vocabSize(),
                        g.hiddenSize(),
                        g.intermediateSize(),
                        g.numLayers(),
                        g.numHeads(),
                        g.numKvHeads(),
                        b.maxPositions(),
                        g.normEps(),
                        g.ropeTheta(),
                        g.tieWordEmbeddings(),
                        g.attentionBias(),
                        g.bosId(),
                        g.eosId()));
        assertEquals(bin.tensors().keySet(), gguf.tensors().keySet());
        for (String name : bin.tensors().keySet()) {
            assertArrayEquals(bin.tensor(name).shape(), gguf.tensor(name).shape(), name);
            assertArrayEquals(bin.tensor(name).data(), gguf.tensor(name).data(), name);
        }
        var tb = (ai.curator.lm.tokenize.SentencePieceBpeTokenizer) bin.tokenizer();
        var tg = (ai.curator.lm.tokenize.SentencePieceBpeTokenizer) gguf.tokenizer();
        for (int i = 3; i < 512; i++) { // 0..2 are <unk>, <s>, </s> (llama2.c writes "\n<s>\n")
            assertEquals(tb.piece(i), tg.piece(i), "piece " + i);
            assertEquals(tb.score(i), tg.score(i), "score " + i);
            assertEquals(tb.type(i), tg.type(i), "type " + i);
        }
        JsonNode golden = Stories260k.golden();
        assertArrayEquals(
                Stories260k.ints(golden.get("prompt_ids")),
                tg.encode(golden.get("prompt").asText()));
        assertEquals(golden.get("greedy_text").asText(), tg.decode(Stories260k.ints(golden.get("greedy_ids"))));
    }

    /**
     * stories260K converted to a Hugging Face directory (tokenizer.json exported from its SentencePiece
     * vocabulary) reads back with the same tensors, and the tokenizers library then encodes and
     * decodes as the Python reference does.
     */
    @Test
    void convertsToAHuggingFaceDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        Checkpoint gguf = GgufCheckpointLoader.load(Stories260k.gguf());
        java.nio.file.Path out = dir.resolve("stories260K-hf");
        HfCheckpointWriter.write(out, gguf);
        Checkpoint hf = CheckpointLoader.load(out);
        assertEquals(gguf.config(), hf.config());
        CheckpointLoaderTest.assertSameTensors(gguf, hf);
        JsonNode g = Stories260k.golden();
        assertArrayEquals(
                Stories260k.ints(g.get("prompt_ids")),
                hf.tokenizer().encode(g.get("prompt").asText()));
        assertEquals(g.get("greedy_text").asText(), hf.tokenizer().decode(Stories260k.ints(g.get("greedy_ids"))));
        String text = "Lily and Ben went to the park. They saw a dog, a cat and a big tree! \"Wow,\" said Lily.";
        assertArrayEquals(gguf.tokenizer().encode(text), hf.tokenizer().encode(text));
        String longText = text.repeat(60); // over 1,500 tokens: no truncation at 512
        int[] ids = hf.tokenizer().encode(longText);
        assertTrue(ids.length > 1500, "tokens: " + ids.length);
        assertArrayEquals(gguf.tokenizer().encode(longText), ids);
    }

    /** The golden file belongs to these files. */
    @Test
    void goldenWasComputedFromTheseFiles() throws IOException, NoSuchAlgorithmException {
        JsonNode model = Stories260k.golden().get("model");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(
                model.get("checkpoint_sha256").asText(),
                HexFormat.of().formatHex(sha.digest(Files.readAllBytes(Stories260k.llama2c()))));
        assertEquals(
                model.get("tokenizer_sha256").asText(),
                HexFormat.of().formatHex(sha.digest(Files.readAllBytes(Stories260k.tokenizer()))));
    }

    /** Seeded random texts (letters, spaces, punctuation, accents, emoji) tokenize alike through both tokenizers. */
    @Test
    void exportedTokenizerJsonAgreesOnRandomTexts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        Checkpoint gguf = GgufCheckpointLoader.load(Stories260k.gguf());
        java.nio.file.Path out = dir.resolve("hf");
        HfCheckpointWriter.write(out, gguf);
        Checkpoint hf = CheckpointLoader.load(out);
        String alphabet = "abcdefghijklmnopqrstuvwxyz  ABCLOT.,!?'\"-\n\téü日😀";
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(260);
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(40);
            for (int i = 0; i < len; i++) {
                sb.appendCodePoint(alphabet.codePointAt(
                        alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String text = sb.toString();
            assertArrayEquals(gguf.tokenizer().encode(text), hf.tokenizer().encode(text), "text '" + text + "'");
            assertEquals(
                    gguf.tokenizer().decode(gguf.tokenizer().encode(text)),
                    hf.tokenizer().decode(hf.tokenizer().encode(text)),
                    "decode '" + text + "'");
        }
    }
}
