package ai.curator.learn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native library failing to load, for real: {@code curator run} of a recipe with the {@code
 * asss} selector in a forked JVM whose PyTorch cannot load exits 1 with a message that says what failed and what to do.
 *
 * <p>How DJL 0.32 finds libtorch (measured): {@code PYTORCH_LIBRARY_PATH} first — but a directory
 * without libtorch in it is skipped silently, so pointing it at an empty directory does <em>not</em>
 * make loading fail; then the cache ({@code ENGINE_CACHE_DIR}, else {@code DJL_CACHE_DIR}, else
 * {@code ~/.djl.ai}); then the {@code pytorch-native-cpu} jar on the class path, unpacked into the
 * cache; then a download, refused with {@code ai.djl.offline=true}. The two failures a user can meet
 * offline are therefore: the native jar missing (with an empty cache), and a cache that cannot be
 * written.
 */
class TorchLoadFailureTest {
    @TempDir
    Path dir;

    /** Two separable classes: the data loads fine, so the failure is the engine's. */
    private Path data() throws IOException {
        StringBuilder b = new StringBuilder("a\tb\ttarget\n");
        for (int i = 0; i < 40; i++) {
            b.append(i % 2 * 3 + Math.sin(i))
                    .append('\t')
                    .append(Math.cos(i))
                    .append('\t')
                    .append(i % 2)
                    .append('\n');
        }
        return Files.writeString(dir.resolve("d.tsv"), b.toString());
    }

    private static List<String> classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Stream.of(cp.split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .toList();
        assertTrue(
                entries.stream().anyMatch(s -> s.contains("pytorch-native-cpu")),
                "the test class path should hold the pytorch-native-cpu jar: " + cp);
        return entries;
    }

    private record Outcome(int code, String out) {}

    /** A recipe that selects with {@code asss} (PyTorch) on the tiny data. */
    private Path recipe() throws IOException {
        return Files.writeString(
                dir.resolve("asss.yaml"),
                "name: torch-load\nseed: 1\ndataset: {path: " + data() + ", label: target}\nstages:\n"
                        + "  - embed: {method: features}\n  - select: {method: asss, budget: 10, epochs: 1}\n"
                        + "  - export: {formats: [jsonl]}\noutput: " + dir.resolve("out") + "\n");
    }

    /** Runs {@code curator run} of {@link #recipe()} in a fresh JVM with {@code classPath} and {@code env}. */
    private Outcome fork(List<String> classPath, Map<String, String> env) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dai.djl.offline=true",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                String.join(File.pathSeparator, classPath),
                "ai.curator.cli.CuratorCli",
                "run",
                recipe().toString(),
                "-q"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String k : List.of(
                "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR")) {
            pb.environment().remove(k);
        }
        pb.environment().put("MKL_CBWR", "COMPATIBLE");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the forked JVM did not finish");
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void missingNativeJarOfflineSaysWhichJarToAdd() throws Exception {
        List<String> cp = classPath().stream()
                .filter(s -> !s.contains("pytorch-native-cpu"))
                .collect(Collectors.toList());
        Path cache = Files.createDirectories(dir.resolve("empty-cache"));
        Outcome o = fork(cp, Map.of("DJL_CACHE_DIR", cache.toString(), "ENGINE_CACHE_DIR", cache.toString()));
        assertEquals(1, o.code(), o.out());
        assertTrue(o.out().contains("The PyTorch engine could not load"), o.out());
        // what failed: DJL's own words, down to the cause
        assertTrue(o.out().contains("Offline model is enabled"), o.out());
        // why and what to do
        assertTrue(
                o.out().contains("libtorch is not on the class path and not in the DJL cache (" + cache + ")"),
                o.out());
        assertTrue(
                o.out().contains("put ai.djl.pytorch:pytorch-native-cpu:2.5.1:linux-x86_64 on the class path"),
                o.out());
    }

    @Test
    void unwritableCacheSaysToSetDjlCacheDir() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        String cache = file.resolve("djl").toString();
        Outcome o = fork(classPath(), Map.of("DJL_CACHE_DIR", cache));
        assertEquals(1, o.code(), o.out());
        assertTrue(o.out().contains("The PyTorch engine could not load"), o.out());
        assertTrue(o.out().contains("Failed to extract PyTorch native library"), o.out());
        assertTrue(o.out().contains("could not be unpacked into the DJL cache directory " + cache), o.out());
        assertTrue(o.out().contains("set DJL_CACHE_DIR"), o.out());
    }
}
