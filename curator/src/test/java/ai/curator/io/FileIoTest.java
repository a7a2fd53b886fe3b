package ai.curator.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIoTest {
    @TempDir
    Path dir;

    @BeforeEach
    void cacheInTheTestFolder() {
        System.setProperty("curator.cache", dir.resolve("cache").toString());
        FileIo.forgetInMemory();
    }

    @AfterEach
    void restore() {
        System.clearProperty("curator.cache");
        FileIo.forgetInMemory();
    }

    private static String hashOfBytes(Path f) throws Exception {
        return FileIo.sha256(Files.readAllBytes(f));
    }

    @Test
    void aLargeFileIsHashedOncePerVersionAndHashedAgainWhenItChanges() throws Exception {
        Path big = dir.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(FileIo.MEMO_BYTES);
            f.seek(12345);
            f.write(7);
        }
        String real = hashOfBytes(big);
        assertEquals(real, FileIo.sha256(big));
        List<Path> memos;
        try (var s = Files.list(FileIo.memoDir())) {
            memos = s.toList();
        }
        assertEquals(1, memos.size());
        assertEquals(real, Files.readString(memos.get(0)).trim());

        // the remembered hash is what a new JVM gets (shown by planting another one: it is not re-read)
        String planted = "ab".repeat(32);
        Files.writeString(memos.get(0), planted + "\n");
        FileIo.forgetInMemory();
        assertEquals(planted, FileIo.sha256(big));

        // a new version (new bytes, new modification time) is hashed again
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.seek(99);
            f.write(1);
        }
        Files.setLastModifiedTime(
                big, FileTime.fromMillis(Files.getLastModifiedTime(big).toMillis() + 2000));
        FileIo.forgetInMemory();
        String changed = FileIo.sha256(big);
        assertEquals(hashOfBytes(big), changed);
        assertNotEquals(real, changed);
    }

    @Test
    void aSmallFileIsAlwaysReadAndNothingIsRemembered() throws Exception {
        Path small = dir.resolve("data.jsonl");
        Files.writeString(small, "{\"id\": 1}\n");
        assertEquals(hashOfBytes(small), FileIo.sha256(small));
        Files.writeString(small, "{\"id\": 2}\n");
        assertEquals(hashOfBytes(small), FileIo.sha256(small));
        assertTrue(!Files.exists(FileIo.memoDir()));
    }

    @Test
    void anUnwritableCacheOnlyMeansTheHashIsNotKeptAcrossJvms() throws Exception {
        Files.writeString(dir.resolve("cache"), "a file where the cache folder would go");
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(FileIo.MEMO_BYTES);
        }
        assertEquals(hashOfBytes(big), FileIo.sha256(big));
    }
}
