package ai.curator.linalg;

import java.util.stream.IntStream;

/**
 * Tiny helpers that split a row range into blocks and run them on the common fork-join pool (all
 * cores: the pool's workers plus the calling thread).
 */
public final class Parallel {
  private Parallel() {}

  /** A body run on the half-open row range {@code [start, end)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int start, int end);
  }

  /** Number of worker threads a parallel stream uses here (pool parallelism + caller). */
  public static int threads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Runs {@code body} over {@code [0, n)} split into blocks of at most {@code blockSize} rows; runs
   * inline when there is a single block.
   */
  public static void forBlocks(int n, int blockSize, RangeBody body) {
    if (n <= 0) {
      return;
    }
    int bs = Math.max(1, blockSize);
    int blocks = (int) (((long) n + bs - 1) / bs);
    if (blocks == 1) {
      body.run(0, n);
      return;
    }
    IntStream.range(0, blocks)
        .parallel()
        .forEach(b -> body.run(b * bs, (int) Math.min((long) n, (long) (b + 1) * bs)));
  }

  /**
   * Block size that gives roughly {@code 4 * threads()} blocks but never fewer than {@code min}
   * rows per block, so per-block overhead stays small.
   */
  public static int blockSize(int n, int min) {
    int target = (int) Math.ceil(n / (4.0 * threads()));
    return Math.max(min, target);
  }
}
