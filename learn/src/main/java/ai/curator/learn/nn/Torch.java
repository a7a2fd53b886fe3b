package ai.curator.learn.nn;

import ai.curator.api.StageException;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads DJL's PyTorch engine offline, once.
 *
 * <p>{@code ai.djl.offline} is set to {@code true} when absent, so DJL never tries to download
 * libtorch: the {@code pytorch-native-cpu} jar on the class path carries it. Intra-op and inter-op
 * threads default to 1 ({@code ai.djl.pytorch.num_threads}, {@code
 * ai.djl.pytorch.num_interop_threads}; a value set on the command line wins): the networks here
 * are small, so one thread is as fast on this 2-core machine, and results are reproducible
 * bit for bit from the seed (measured: {@code MlpClassifierTest}).
 *
 * <p>Intel documents that MKL may pick code paths by buffer alignment, so the same seed could give
 * different floats run to run. The environment variable {@code MKL_CBWR=COMPATIBLE} pins them; it
 * must be set before the JVM starts, so {@code scripts/curator}, {@code scripts/bench-tabular} and
 * the learn module's test runs set it, and {@link #engine()} warns once when it is missing. (The
 * run-to-run differences once blamed on this — {@code AsssBehaviourTest} failing now and then —
 * came from constants freed under the autograd graph; see {@link Tensors}.)
 */
public final class Torch {
    private static Engine engine;

    private Torch() {}

    /**
     * The PyTorch engine.
     *
     * @throws StageException when the native library cannot load, saying what failed, the likely
     *     reason and what to do ({@link #loadFailure})
     */
    public static synchronized Engine engine() {
        if (engine != null) {
            return engine;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        if (System.getenv("MKL_CBWR") == null) {
            System.err.println("warning: MKL_CBWR is not set; PyTorch results may differ run to run. "
                    + "Set MKL_CBWR=COMPATIBLE (scripts/curator does) for reproducible training.");
        }
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | LinkageError e) {
            throw new StageException(
                    loadFailure(e, System.getenv(), Torch.class.getClassLoader().getResource(NATIVE_LIB) != null), e);
        }
        return engine;
    }

    /** A file of the {@code pytorch-native-cpu:2.5.1:linux-x86_64} jar: its presence on the class path. */
    static final String NATIVE_LIB = "pytorch/cpu/linux-x86_64/libtorch.so";

    /**
     * The message for a failed engine load: what failed (the cause chain), the likely reason, and
     * what to do. DJL's own messages name the step, not the reason: offline without the native jar it
     * says "Failed to save pytorch index file" (it wanted to download libtorch), and an unwritable
     * cache gives "Failed to extract PyTorch native library".
     *
     * @param e what DJL threw
     * @param env the environment ({@code DJL_CACHE_DIR}, {@code ENGINE_CACHE_DIR}, {@code
     *     PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR} are read)
     * @param nativeJarOnClassPath whether libtorch of the {@code pytorch-native-cpu} jar is on the class path
     */
    static String loadFailure(Throwable e, Map<String, String> env, boolean nativeJarOnClassPath) {
        StringBuilder chain = new StringBuilder();
        boolean offline = false;
        boolean fileSystem = false;
        boolean link = false;
        for (Throwable c = e; c != null && c != c.getCause(); c = c.getCause()) {
            chain.append(chain.length() == 0 ? "" : " <- ")
                    .append(c.getClass().getSimpleName())
                    .append(": ")
                    .append(c.getMessage());
            String msg = String.valueOf(c.getMessage());
            offline |= msg.contains("Offline model is enabled");
            fileSystem |= c instanceof java.nio.file.FileSystemException || msg.contains("Failed to extract");
            link |= c instanceof LinkageError;
        }
        String cache = env.getOrDefault(
                "ENGINE_CACHE_DIR", env.getOrDefault("DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai"));
        StringBuilder b =
                new StringBuilder("The PyTorch engine could not load (DJL 0.32.0, libtorch 2.5.1 CPU, offline). ");
        b.append("What failed: ").append(chain).append(chain.charAt(chain.length() - 1) == '.' ? " " : ". ");
        List<String> overrides = new ArrayList<>();
        for (String k : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR")) {
            if (env.get(k) != null) {
                overrides.add(k + "=" + env.get(k));
            }
        }
        if (fileSystem) {
            b.append("Likely reason: libtorch could not be unpacked into the DJL cache directory ")
                    .append(cache)
                    .append(
                            " (not a writable directory). What to do: set DJL_CACHE_DIR (and ENGINE_CACHE_DIR, if set) to a writable "
                                    + "directory with about 500 MB free.");
        } else if (offline && !nativeJarOnClassPath) {
            b.append("Likely reason: libtorch is not on the class path and not in the DJL cache (")
                    .append(cache)
                    .append("), and DJL may not download it (ai.djl.offline=true). What to do: put "
                            + "ai.djl.pytorch:pytorch-native-cpu:2.5.1:linux-x86_64 on the class path (scripts/curator uses "
                            + "dist/target/lib, built by `mvn -B package -DskipTests`).");
        } else if (offline) {
            b.append(
                            "Likely reason: DJL looked for a libtorch other than the one on the class path and, offline, could not "
                                    + "download it")
                    .append(overrides.isEmpty() ? "" : " (environment: " + String.join(", ", overrides) + ")")
                    .append(
                            ". What to do: unset PYTORCH_VERSION / PYTORCH_FLAVOR so that the bundled libtorch 2.5.1 CPU is used.");
        } else if (link) {
            b.append(
                            "Likely reason: libtorch was found but could not be linked: this build needs linux-x86_64 with glibc")
                    .append(
                            overrides.isEmpty()
                                    ? ""
                                    : ", and the environment points DJL elsewhere (" + String.join(", ", overrides)
                                            + ")")
                    .append(
                            ". What to do: run on linux-x86_64, and unset PYTORCH_LIBRARY_PATH unless it holds libtorch 2.5.1.");
        } else {
            b.append("What to do: check that ai.djl.pytorch:pytorch-engine:0.32.0, pytorch-jni:2.5.1-0.32.0 and "
                            + "pytorch-native-cpu:2.5.1:linux-x86_64 are on the class path (dist/target/lib), that this is linux-x86_64 "
                            + "with glibc, and that the DJL cache (")
                    .append(cache)
                    .append(") is writable")
                    .append(
                            overrides.isEmpty()
                                    ? ""
                                    : "; the environment overrides DJL's choice: " + String.join(", ", overrides))
                    .append('.');
        }
        return b.toString();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
