package ai.curator.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads ONNX Runtime's native libraries once and removes the directory they were unpacked to when
 * the JVM exits. ONNX Runtime unpacks them into {@code java.io.tmpdir/onnxruntime-java*} and
 * leaves that directory behind (empty) after every run; the libraries are loaded by then, so
 * deleting their files at exit is safe (Linux and macOS keep a loaded library's pages; on
 * Windows the delete fails and is ignored).
 */
final class OrtNative {
    private static final String PREFIX = "onnxruntime-java";

    static {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = unpacked(tmp);
        try {
            // Class initialisation loads the libraries (OnnxRuntime.init) without creating the
            // process-wide OrtEnvironment, which DJL must create itself.
            Class.forName("ai.onnxruntime.OrtEnvironment", true, OrtNative.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // reported with its cause where the engine is first used
        }
        Set<Path> ours = unpacked(tmp);
        ours.removeAll(before);
        if (!ours.isEmpty()) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> ours.forEach(OrtNative::deleteQuietly), "curator-ort-tmp"));
        }
    }

    private OrtNative() {}

    /** Loads the libraries (once per JVM). */
    static void load() {
        // the static initialiser does the work
    }

    private static Set<Path> unpacked(Path tmp) {
        Set<Path> out = new HashSet<>();
        try (Stream<Path> s = Files.list(tmp)) {
            s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .forEach(out::add);
        } catch (IOException | RuntimeException e) {
            // no temporary folder to look at: nothing to clean
        }
        return out;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException e) {
            // best effort at exit
        }
    }
}
