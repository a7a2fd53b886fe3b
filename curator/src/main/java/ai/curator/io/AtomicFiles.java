package ai.curator.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes files so that a reader never sees a half-written one: the content goes to a temporary
 * name in the same directory ({@code .NAME.tmp-PID}), is forced to disk, and is renamed over the
 * target in one atomic step. A run killed mid-write leaves only a temporary file, which is never
 * trusted and is cleaned up by the next run.
 */
public final class AtomicFiles {
    /** Prefix of every temporary name, so that leftovers can be recognised. */
    public static final String TMP_MARK = ".tmp-";

    private AtomicFiles() {}

    /** Writes a file through {@code body}. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a file to a path given to {@code body} (for libraries that open files themselves). */
    public interface PathBody {
        void write(Path tmp) throws IOException;
    }

    /** Writes {@code target} atomically from a stream. */
    public static void write(Path target, Body body) throws IOException {
        writeVia(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                body.write(out);
            }
        });
    }

    /** Writes {@code target} atomically from bytes. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code target} atomically: {@code body} writes a temporary path next to it (a file;
     * the path does not exist beforehand), which is then synced and renamed over the target.
     */
    public static void writeVia(Path target, PathBody body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(
                "." + target.getFileName() + TMP_MARK + ProcessHandle.current().pid());
        deleteRecursively(tmp);
        try {
            body.write(tmp);
            if (Files.isRegularFile(tmp)) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** Removes leftover temporary files (from killed runs) directly inside {@code dir}. */
    public static void cleanLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().contains(TMP_MARK)) {
                    deleteRecursively(p);
                }
            }
        }
    }

    /** Deletes a file or a directory tree if it exists. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
