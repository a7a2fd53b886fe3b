package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.HfTokenizer;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through all three formats, dispatched by {@link CheckpointLoader}. */
class CheckpointLoaderTest {
    @TempDir
    Path dir;

    static final String[] TEXTS = {"The hat and the cat.", "On a hot day, then the wet one.", "naïve 日本 ok"};

    @Test
    void huggingFaceDirectoryRoundTripsBitForBit() throws IOException {
        for (boolean tied : new boolean[] {true, false}) {
            for (boolean bias : new boolean[] {false, true}) {
                Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(tied, bias), 11);
                Path out = dir.resolve("hf-" + tied + "-" + bias);
                HfCheckpointWriter.write(out, c);
                Checkpoint back = CheckpointLoader.load(out);
                assertEquals(c.config(), back.config(), out.toString());
                assertSameTensors(c, back);
                assertEquals(c.chatTemplate(), back.chatTemplate());
                assertTrue(back.tokenizer() instanceof HfTokenizer);
                for (String text : TEXTS) {
                    assertArrayEquals(
                            c.tokenizer().encode(text), back.tokenizer().encode(text), text);
                    assertEquals(text, back.tokenizer().decode(back.tokenizer().encode(text)));
                }
            }
        }
    }

    @Test
    void gpt2DirectoryRoundTrips() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.gpt2Config(), 5);
        Path out = dir.resolve("gpt2");
        HfCheckpointWriter.write(out, c);
        Checkpoint back = CheckpointLoader.load(out);
        assertEquals(c.config(), back.config());
        assertSameTensors(c, back);
    }

    @Test
    void ggufRoundTripsInF32AndF16() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(false, false), 3);
        Path f32 = dir.resolve("m32.gguf");
        TinyCheckpoints.writeLlamaGguf(f32, c, 0, false);
        Checkpoint back = CheckpointLoader.load(f32);
        assertEquals(c.config(), back.config());
        assertSameTensors(c, back);
        assertEquals(c.chatTemplate(), back.chatTemplate());
        for (String text : TEXTS) {
            assertArrayEquals(c.tokenizer().encode(text), back.tokenizer().encode(text), text);
        }

        Path f16 = dir.resolve("m16.gguf");
        TinyCheckpoints.writeLlamaGguf(f16, c, 1, false);
        Checkpoint half = CheckpointLoader.load(f16);
        for (var e : c.tensors().entrySet()) {
            float[] want = e.getValue().data().clone();
            if (e.getValue().shape().length == 2) {
                for (int i = 0; i < want.length; i++) {
                    want[i] = HalfFloats.halfToFloat(HalfFloats.floatToHalf(want[i]));
                }
            }
            assertArrayEquals(want, half.tensor(e.getKey()).data(), e.getKey());
        }
    }

    @Test
    void ggufOutputEqualToTheEmbeddingMeansTied() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 4);
        Path f = dir.resolve("tied.gguf");
        TinyCheckpoints.writeLlamaGguf(f, c, 0, true);
        Checkpoint back = CheckpointLoader.load(f);
        assertTrue(back.config().tieWordEmbeddings());
        assertFalse(back.tensors().containsKey("lm_head.weight"));
        assertSameTensors(c, back);
    }

    @Test
    void llama2cRoundTripsTiedAndUntied() throws IOException {
        for (boolean tied : new boolean[] {true, false}) {
            Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(tied, false), 9);
            Path sub = Files.createDirectories(dir.resolve("l2c-" + tied));
            TinyCheckpoints.writeLlama2c(sub.resolve("model.bin"), sub.resolve("tok300.bin"), c);
            Checkpoint back = CheckpointLoader.load(sub.resolve("model.bin")); // tokenizer found beside it
            ModelConfig m = c.config();
            assertEquals(m, back.config());
            assertSameTensors(c, back);
            assertTrue(back.tokenizer() instanceof SentencePieceBpeTokenizer);
            for (String text : TEXTS) {
                assertArrayEquals(c.tokenizer().encode(text), back.tokenizer().encode(text), text);
            }
        }
    }

    @Test
    void unknownPathsAndFormatsAreRejectedByName() throws IOException {
        DataException e = assertThrows(DataException.class, () -> CheckpointLoader.load(dir.resolve("nope.gguf")));
        assertTrue(e.getMessage().contains("nope.gguf"), e.getMessage());
        Path txt = Files.writeString(dir.resolve("model.txt"), "x");
        e = assertThrows(DataException.class, () -> CheckpointLoader.load(txt));
        assertTrue(e.getMessage().contains("model.txt") && e.getMessage().contains(".gguf"), e.getMessage());
        Path gguf = Files.writeString(dir.resolve("fake.gguf"), "not a gguf file at all");
        e = assertThrows(DataException.class, () -> CheckpointLoader.load(gguf));
        assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());
    }

    static void assertSameTensors(Checkpoint want, Checkpoint got) {
        assertEquals(want.tensors().keySet(), got.tensors().keySet());
        for (var e : want.tensors().entrySet()) {
            assertArrayEquals(e.getValue().shape(), got.tensor(e.getKey()).shape(), e.getKey());
            assertArrayEquals(e.getValue().data(), got.tensor(e.getKey()).data(), e.getKey());
        }
    }
}
