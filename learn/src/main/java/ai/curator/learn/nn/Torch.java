package ai.curator.learn.nn;

import ai.curator.api.StageException;
import ai.djl.engine.Engine;

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
 * <p>libtorch's MKL picks code paths by buffer alignment, so the same seed can give different
 * floats run to run (seen: {@code AsssBehaviourTest} failing one run in three). The environment
 * variable {@code MKL_CBWR=COMPATIBLE} pins them; it must be set before the JVM starts, so
 * {@code scripts/curator}, {@code scripts/bench-tabular} and the learn module's test runs set it,
 * and {@link #engine()} warns once when it is missing.
 */
public final class Torch {
  private static Engine engine;

  private Torch() {}

  /**
   * The PyTorch engine.
   *
   * @throws StageException naming the jars to check when the native library cannot load
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
          "The PyTorch engine could not load (DJL 0.32.0 with libtorch 2.5.1 CPU, offline). Check that "
              + "ai.djl.pytorch:pytorch-engine:0.32.0, pytorch-jni:2.5.1-0.32.0 and "
              + "pytorch-native-cpu:2.5.1:linux-x86_64 are on the class path (dist/target/lib), that this is "
              + "linux-x86_64 with glibc, and that the DJL cache (DJL_CACHE_DIR, default ~/.djl.ai) is writable. Cause: "
              + e,
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
