package ai.curator.linalg;

import java.util.SplittableRandom;

/**
 * A tall {@code N × d} matrix as the randomized SVD ({@link RandomizedSvd#factors}) uses it: products
 * row by row, and {@code Aᵀ·Y} summed in double over fixed chunks of {@link Parallel#REDUCTION_CHUNK}
 * rows, the chunks in order. Both are the same bits wherever the rows live: in memory ({@link
 * FloatMatrix}) or spread over a cluster (the spark module), which is how one machine and a cluster
 * compute the same factorisation.
 */
public interface TallMatrix {
    int rows();

    int cols();

    /** {@code this · w}: each row of the result from the same row of this. */
    TallMatrix times(FloatMatrix w);

    /**
     * {@code thisᵀ · y} ({@code cols × y.cols}, row-major, double), as {@link
     * FloatMatrix#transposeMultiply}.
     */
    double[] transposeTimes(TallMatrix y);

    /**
     * This matrix's {@code cols()} columns followed by {@code l − cols()} columns of standard normal
     * draws from {@code rnd}, row by row (what a rank-deficient basis is completed with).
     *
     * @throws UnsupportedOperationException where rows cannot be drawn in order (a cluster)
     */
    TallMatrix withRandomColumns(int l, SplittableRandom rnd);
}
