package ai.curator.lm.model;

import ai.curator.api.StageException;
import ai.djl.engine.Engine;

/**
 * Loads DJL's PyTorch engine offline, once. {@code ai.djl.offline} is set to {@code true} when
 * absent, so DJL never tries to download libtorch: the {@code pytorch-native-cpu} jar on the class
 * path carries it. Thread counts are left to PyTorch (one intra-op thread per core) unless {@code
 * ai.djl.pytorch.num_threads} is set: a language model's matrix products are large enough to use
 * them.
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
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
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
}
