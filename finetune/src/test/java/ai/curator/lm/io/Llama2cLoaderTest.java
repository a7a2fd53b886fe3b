package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cLoaderTest {
    @TempDir
    Path dir;

    @Test
    void truncatedCheckpointSaysWhatTheHeaderNeeds() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 1);
        TinyCheckpoints.writeLlama2c(dir.resolve("m.bin"), dir.resolve("tokenizer.bin"), c);
        byte[] all = Files.readAllBytes(dir.resolve("m.bin"));
        Files.write(dir.resolve("m.bin"), Arrays.copyOf(all, all.length - 4));
        DataException e = assertThrows(DataException.class, () -> Llama2cLoader.load(dir.resolve("m.bin"), null));
        assertTrue(
                e.getMessage().contains("m.bin")
                        && e.getMessage().contains("truncated")
                        && e.getMessage().contains("needs " + all.length + " bytes"),
                e.getMessage());
    }

    @Test
    void tokenizerIsFoundOrAskedFor() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 1);
        Path bin = dir.resolve("m.bin");
        TinyCheckpoints.writeLlama2c(bin, dir.resolve("elsewhere.tok"), c);
        DataException e = assertThrows(DataException.class, () -> Llama2cLoader.load(bin, null));
        assertTrue(e.getMessage().contains("tokenizer.bin") && e.getMessage().contains("explicitly"), e.getMessage());
        Checkpoint back = Llama2cLoader.load(bin, dir.resolve("elsewhere.tok"));
        assertArrayEquals(c.tokenizer().encode("the hat"), back.tokenizer().encode("the hat"));

        Files.write(dir.resolve("short.tok"), Arrays.copyOf(Files.readAllBytes(dir.resolve("elsewhere.tok")), 500));
        e = assertThrows(DataException.class, () -> Llama2cLoader.load(bin, dir.resolve("short.tok")));
        assertTrue(e.getMessage().contains("short.tok"), e.getMessage());
    }
}
