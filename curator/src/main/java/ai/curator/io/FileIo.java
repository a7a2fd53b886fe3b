package ai.curator.io;

import ai.curator.api.DataException;
import ai.curator.api.Progress;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** Small file helpers: open (gzip-aware) with clear errors, and hashing. */
public final class FileIo {
    private FileIo() {}

    /** Checks that {@code path} is a readable, non-empty regular file, naming it in the error. */
    public static void requireReadableFile(Path path, String what) {
        if (!Files.exists(path)) {
            throw new DataException(what + " '" + path + "' does not exist");
        }
        if (!Files.isRegularFile(path)) {
            throw new DataException(what + " '" + path + "' is not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new DataException(what + " '" + path + "' is not readable (check its permissions)");
        }
    }

    /** Opens a file for reading, decompressing it when its name ends in {@code .gz}. */
    public static InputStream open(Path path) throws IOException {
        return open(path, Progress.none());
    }

    /**
     * Opens a file for reading, decompressing it when its name ends in {@code .gz}, and reports
     * the file bytes read (compressed bytes for {@code .gz}) to {@code progress}.
     */
    public static InputStream open(Path path, Progress progress) throws IOException {
        InputStream raw = Files.newInputStream(path);
        if (progress != null) {
            raw = new java.io.FilterInputStream(raw) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        progress.step(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        progress.step(n);
                    }
                    return n;
                }
            };
        }
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz")) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    /**
     * Opens a text data file ({@code .gz} decompressed) as strict UTF-8: invalid bytes fail naming
     * the file, line and byte offset, and a UTF-8 byte-order mark is dropped (see {@link
     * Utf8Reader}).
     */
    public static java.io.Reader openText(Path path, Progress progress) throws IOException {
        return new Utf8Reader(
                open(path, progress),
                path,
                path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz"));
    }

    /** Files from this size on have their hash remembered (see {@link #sha256(Path)}). */
    static final long MEMO_BYTES = 64L << 20;

    private static final java.util.Map<String, String> MEMO = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The sha256 of a file's bytes, as lower-case hex. A file of {@value #MEMO_BYTES} bytes or more
     * (a model checkpoint, a large data set) is hashed once per version: the hash is remembered
     * under the file's real path, size, modification time and file key (inode), in this JVM and in
     * {@code $CURATOR_CACHE/sha256/} (default {@code ~/.cache/curator}), so a rerun of a recipe
     * over a 15 GB checkpoint does not read it again only to find its cache key. A file rewritten in
     * place changes its modification time and is hashed again.
     */
    public static String sha256(Path path) {
        String identity = null;
        try {
            var a = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
            if (a.size() >= MEMO_BYTES) {
                identity = path.toRealPath() + "\u0000" + a.size() + "\u0000"
                        + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "\u0000"
                        + a.fileKey();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
        if (identity == null) {
            return sha256Bytes(path);
        }
        String hit = MEMO.get(identity);
        if (hit != null) {
            return hit;
        }
        Path memo = memoDir().resolve(sha256(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            String stored = Files.readString(memo).trim();
            if (stored.matches("[0-9a-f]{64}")) {
                MEMO.put(identity, stored);
                return stored;
            }
        } catch (IOException | UncheckedIOException e) {
            // not remembered yet (or unreadable): hash it
        }
        String hex = sha256Bytes(path);
        MEMO.put(identity, hex);
        try {
            AtomicFiles.write(memo, (hex + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // a read-only home: remembered in this JVM only
        }
        return hex;
    }

    /** Forgets the hashes remembered in this JVM (the files under {@link #memoDir()} stay); for tests. */
    static void forgetInMemory() {
        MEMO.clear();
    }

    /** {@code $CURATOR_CACHE/sha256} (or the system property {@code curator.cache}), else {@code ~/.cache/curator/sha256}. */
    static Path memoDir() {
        String root = System.getProperty("curator.cache", System.getenv("CURATOR_CACHE"));
        return (root != null && !root.isBlank()
                        ? Path.of(root)
                        : Path.of(System.getProperty("user.home"), ".cache", "curator"))
                .resolve("sha256");
    }

    private static String sha256Bytes(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sha256 of a byte array, as lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
