package ai.curator.pipeline;

import ai.curator.api.RecipeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps two runs out of one output (or work) directory: a run holds an operating-system lock on
 * {@code DIR/.curator.lock} for its whole length, and a second run into the same directory fails at
 * once with the first one's pid and start time ("use another -o or wait").
 *
 * <p>The lock is the kernel's ({@link FileChannel#tryLock()}), so a run that is killed, even with
 * {@code kill -9}, releases it with its process: a stale lock file is simply locked again by the
 * next run. The file itself is never deleted (deleting it would let a third run lock a new file
 * while a second still holds the old one); it records the holder's pid, start time and command
 * for the message. On a file system without locks the pid in the file decides: a live process
 * with that pid and start time holds the directory, anything else is stale.
 */
public final class OutputLock implements AutoCloseable {
    /** The lock file's name inside the locked directory. */
    public static final String FILE = ".curator.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created if missing) for this process.
     *
     * @throws RecipeException if another run holds it, naming that run's pid and start time
     */
    public static OutputLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            ch.close();
            throw inUse(dir, "this process (pid " + ProcessHandle.current().pid() + ")", "");
        } catch (IOException e) {
            // No locks on this file system: the recorded pid decides.
            lock = null;
            Optional<Holder> h = Holder.parse(read(ch));
            if (h.isPresent() && h.get().alive()) {
                ch.close();
                throw inUse(dir, "pid " + h.get().pid, " (started " + h.get().started + ")");
            }
            return claim(ch, null);
        }
        if (lock == null) {
            Optional<Holder> h = Holder.parse(read(ch));
            ch.close();
            throw inUse(
                    dir,
                    h.map(x -> "pid " + x.pid).orElse("another run"),
                    h.map(x -> " (started " + x.started + ")").orElse(""));
        }
        return claim(ch, lock);
    }

    private static OutputLock claim(FileChannel ch, FileLock lock) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        String started = self.info().startInstant().orElse(Instant.now()).toString();
        String text = "pid " + self.pid() + "\nstarted " + started + "\ncommand "
                + self.info().commandLine().orElse("?").replace('\n', ' ') + "\n";
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new OutputLock(ch, lock);
    }

    private static RecipeException inUse(Path dir, String who, String when) {
        return new RecipeException(dir + " is in use by " + who + when
                + ", another curator run into the same directory; use another -o or wait for it to finish");
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    /** Releases the lock (the file stays). */
    @Override
    public void close() throws IOException {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    /** The pid and start time recorded in a lock file. */
    private record Holder(long pid, String started) {
        static Optional<Holder> parse(String text) {
            long pid = -1;
            String started = "?";
            for (String line : text.split("\n")) {
                if (line.startsWith("pid ")) {
                    try {
                        pid = Long.parseLong(line.substring(4).trim());
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                } else if (line.startsWith("started ")) {
                    started = line.substring(8).trim();
                }
            }
            return pid < 0 ? Optional.empty() : Optional.of(new Holder(pid, started));
        }

        /** A live process with this pid that started when the file says (pids are reused). */
        boolean alive() {
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info()
                            .startInstant()
                            .map(i -> i.toString().equals(started))
                            .orElse(true))
                    .isPresent();
        }
    }
}
