package ai.curator.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarEntry;

/**
 * Copies classpath resources (the ONNX graphs inside the LangChain4j model jars) to
 * {@code <cacheDir>/<sha256>/<file name>} so ONNX Runtime can memory-map them from a file instead of
 * a 130 MB heap array.
 *
 * <p>The content hash is computed once, while copying; an index entry keyed by the jar entry's CRC-32
 * and size lets later runs find the copy without re-reading the resource. Writes go to a temporary
 * file and are moved into place, so concurrent JVMs never see a partial file.
 */
public final class ModelCache {

    /** System property that overrides the cache directory. */
    public static final String CACHE_DIR_PROPERTY = "curator.cache.dir";

    /** Environment variable that overrides the cache directory (after the system property). */
    public static final String CACHE_DIR_ENV = "CURATOR_CACHE_DIR";

    private final Path root;

    /**
     * Creates a cache rooted at a directory (created on first use).
     *
     * @param root the cache directory
     */
    public ModelCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * Returns the default cache: {@value #CACHE_DIR_PROPERTY}, else ${@value #CACHE_DIR_ENV}, else
     * {@code ~/.cache/curator/models}.
     *
     * @return the cache
     */
    public static ModelCache defaultCache() {
        String dir = System.getProperty(CACHE_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(CACHE_DIR_ENV);
        }
        if (dir == null || dir.isBlank()) {
            return new ModelCache(Path.of(System.getProperty("user.home"), ".cache", "curator", "models"));
        }
        return new ModelCache(Path.of(dir));
    }

    /**
     * Returns the cache directory.
     *
     * @return the root
     */
    public Path root() {
        return root;
    }

    /**
     * Holds a materialised resource.
     *
     * @param file the cached file
     * @param sha256 hex SHA-256 of its content
     */
    public record Entry(Path file, String sha256) {}

    /**
     * Returns a local file with the content of a classpath resource, copying it on first use.
     *
     * @param resource the resource name (no leading slash)
     * @param hint what to add to the class path if the resource is missing
     * @return the cached file and its hash
     * @throws EmbeddingException if the resource is missing or cannot be copied
     */
    public Entry materialize(String resource, String hint) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = ModelCache.class.getClassLoader();
        }
        URL url = cl.getResource(resource);
        if (url == null) {
            throw new ModelException("Classpath resource '" + resource + "' not found. Add the Maven artifact " + hint
                    + " to the dependencies.");
        }
        try {
            String fingerprint = fingerprint(url);
            String fileName = Path.of(resource).getFileName().toString();
            Path index = root.resolve("index").resolve(fileName + "." + fingerprint + ".sha256");
            if (Files.isRegularFile(index)) {
                String sha = Files.readString(index, StandardCharsets.US_ASCII).trim();
                Path file = root.resolve(sha).resolve(fileName);
                if (Files.isRegularFile(file)) {
                    return new Entry(file, sha);
                }
            }
            Files.createDirectories(root.resolve("index"));
            Path tmp = Files.createTempFile(root, fileName, ".part");
            String sha;
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                URLConnection conn = url.openConnection();
                conn.setUseCaches(false);
                try (InputStream in = new DigestInputStream(conn.getInputStream(), md);
                        OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
                sha = HexFormat.of().formatHex(md.digest());
                Path dir = Files.createDirectories(root.resolve(sha));
                Path file = dir.resolve(fileName);
                if (!Files.isRegularFile(file)) {
                    moveAtomically(tmp, file);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            Path indexTmp = Files.createTempFile(index.getParent(), fileName, ".part");
            Files.writeString(indexTmp, sha + "\n", StandardCharsets.US_ASCII);
            moveAtomically(indexTmp, index);
            return new Entry(root.resolve(sha).resolve(fileName), sha);
        } catch (IOException | NoSuchAlgorithmException | URISyntaxException e) {
            throw new EmbeddingException(
                    "Cannot copy classpath resource '" + resource + "' to the model cache "
                            + root + " (set -D" + CACHE_DIR_PROPERTY + " or $" + CACHE_DIR_ENV
                            + " to a writable directory): "
                            + e.getMessage(),
                    e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A cheap identity of the resource's bytes that needs no full read. */
    private static String fingerprint(URL url) throws IOException, URISyntaxException {
        if ("jar".equals(url.getProtocol())) {
            JarURLConnection conn = (JarURLConnection) url.openConnection();
            JarEntry entry = conn.getJarEntry();
            return "crc" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize();
        }
        if ("file".equals(url.getProtocol())) {
            Path p = Path.of(url.toURI());
            return "mtime" + Files.getLastModifiedTime(p).toMillis() + "-" + Files.size(p);
        }
        return "url" + Integer.toHexString(url.toString().hashCode());
    }
}
