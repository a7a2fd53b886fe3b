package ai.curator.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCacheTest {
    @TempDir
    Path dir;

    @Test
    void linesAreKeptAsTheyArriveAndReadBackExactly() throws Exception {
        double loss = 1.0 / 3.0;
        try (LossCache c = LossCache.open(dir, "openai", "model=a")) {
            c.put("r1", "sha1", loss, 17);
            // flushed at once: a crash now loses nothing
            assertEquals(1, Files.readAllLines(c.file()).size());
        }
        LossCache again = LossCache.open(dir, "openai", "model=a");
        assertEquals(loss, again.get("r1", "sha1").loss());
        assertEquals(17, again.get("r1", "sha1").tokens());
        assertNull(again.get("r1", "other text"), "a row whose text changed is not reused");
        assertNull(again.get("r2", "sha1"));
        assertTrue(again.file().getFileName().toString().matches("openai-[0-9a-f]{16}\\.jsonl"));
        assertEquals(0, LossCache.open(dir, "openai", "model=b").size(), "another model, another file");
    }

    @Test
    void aLastLineCutShortByACrashIsIgnoredAndTheNextLineStartsFresh() throws Exception {
        Path f = dir.resolve("c.jsonl");
        Files.writeString(
                f,
                "{\"id\":\"a\",\"text_sha256\":\"s\",\"loss\":0.5,\"tokens\":3}\n{\"id\":\"b\",\"text_sha256\":\"s\",\"lo");
        LossCache c = LossCache.open(f);
        assertEquals(1, c.size());
        c.put("b", "s", 0.25, 4);
        c.close();
        LossCache back = LossCache.open(f);
        assertEquals(2, back.size());
        assertEquals(0.25, back.get("b", "s").loss());
    }

    @Test
    void aBadLineInTheMiddleNamesFileAndLine() throws Exception {
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"text_sha256\":\"s\",\"loss\":0.5}\nnot json\n", StandardCharsets.UTF_8);
        Files.writeString(f, "{\"id\":\"c\",\"text_sha256\":\"s\",\"loss\":1}\n", StandardOpenOption.APPEND);
        var e = assertThrows(DataException.class, () -> LossCache.open(f));
        assertTrue(e.getMessage().startsWith(f + ":2: not a loss cache line"), e.getMessage());
        assertTrue(e.getMessage().endsWith("delete the file to fetch every loss again"), e.getMessage());
    }
}
