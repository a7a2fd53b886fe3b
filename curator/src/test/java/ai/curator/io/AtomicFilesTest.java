package ai.curator.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void failedWriteKeepsTheOldFileAndLeavesNoTemp() throws Exception {
        Path f = dir.resolve("out.txt");
        AtomicFiles.write(f, "old".getBytes());
        assertThrows(
                IOException.class,
                () -> AtomicFiles.write(f, out -> {
                    out.write("half".getBytes());
                    throw new IOException("disk full");
                }));
        assertEquals("old", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void cleanLeftoversRemovesOnlyTempFiles() throws Exception {
        Files.writeString(dir.resolve(".x.jsonl" + AtomicFiles.TMP_MARK + "123"), "partial");
        Files.writeString(dir.resolve("x.jsonl"), "whole");
        AtomicFiles.cleanLeftovers(dir);
        assertFalse(Files.exists(dir.resolve(".x.jsonl" + AtomicFiles.TMP_MARK + "123")));
        assertEquals("whole", Files.readString(dir.resolve("x.jsonl")));
    }
}
