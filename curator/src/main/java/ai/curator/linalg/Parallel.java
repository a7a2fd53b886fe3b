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

    /** Rows per chunk of a reduction: fixed, so sums add up in the same order on any machine. */
    public static final int REDUCTION_CHUNK = 16_384;

    /**
     * Rows per call of a text encoder ({@code embed: encoder}): fixed positions, each call's texts
     * sorted by length and batched on their own, so a row's vector is the same bits wherever its
     * chunk is embedded (one machine, or a Spark executor). Two reduction chunks.
     */
    public static final int EMBED_CHUNK = 2 * REDUCTION_CHUNK;

    /**
     * Block size that gives about 32 blocks but never fewer than {@code min} rows per block. It
     * does not depend on the number of cores, so that no result does (a rule for every kernel here:
     * block boundaries and the order partial sums are added in are functions of the data's shape
     * only, which keeps subsets byte-identical across machines).
     */
    public static int blockSize(int n, int min) {
        int target = (int) Math.ceil(n / 32.0);
        return Math.max(min, target);
    }

    /** Number of fixed-size reduction chunks over {@code n} rows (at least 1). */
    public static int reductionChunks(int n) {
        return Math.max(1, (n + REDUCTION_CHUNK - 1) / REDUCTION_CHUNK);
    }
}
