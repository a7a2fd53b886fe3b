package ai.curator.lm.model;

import ai.curator.api.StageException;
import ai.djl.engine.Engine;

/**
 * Loads DJL's PyTorch engine offline, once. {@code ai.djl.offline} is set to {@code true} when
 * absent, so DJL never tries to download libtorch: the {@code pytorch-native-cpu} jar on the class
 * path carries it. Intra-op and inter-op threads default to 1 ({@code ai.djl.pytorch.num_threads},
 * {@code ai.djl.pytorch.num_interop_threads}; a value set on the command line wins), as in the learn
 * module, so whichever module loads the engine first, the policy is the same: on the shared 2-core
 * build machine two OpenMP threads made the model 3-13x slower than one ({@code scripts/bench-lm},
 * 2026-12-02). A CPU-bound run of a large model should set {@code -Dai.djl.pytorch.num_threads} to
 * the physical core count.
 */
public final class Torch {
    private static Engine engine;

    private Torch() {}

    /**
     * The PyTorch engine.
     *
     * @throws StageException when the native library cannot load, with DJL's reason and the fix
     */
    public static synchronized Engine engine() {
        if (engine != null) {
            return engine;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | LinkageError e) {
            throw new StageException(
                    "The PyTorch engine could not load (DJL 0.32.0, libtorch 2.5.1, offline): " + e
                            + ". What to do: put ai.djl.pytorch:pytorch-native-cpu:2.5.1:linux-x86_64 (or the CUDA jar) on the "
                            + "class path, on linux-x86_64 with glibc, and make DJL_CACHE_DIR a writable directory.",
                    e);
        }
        return engine;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
