package ai.curator.linalg;

/**
 * The hot loops of the linear algebra, in two implementations that give <b>bit-identical</b>
 * results: {@link ScalarKernelOps} (plain Java, {@link Math#fma}) and {@link VectorKernelOps}
 * (the incubating Vector API, used when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}). Every method fixes the order in which each output element is summed —
 * it never depends on the vector width, the number of cores or the implementation — so a subset
 * is byte-identical whichever implementation ran. {@link Kernels} picks one at start-up.
 */
interface KernelOps {

    /** Logical lanes of a reduction ({@link #dot}, {@link #squaredDistance}): partial sums kept. */
    int LANES = 16;

    /** A short description for provenance and benchmark output. */
    String name();

    /**
     * Rows {@code [rs, re)} of {@code x} ({@code · × d}) times {@code w} ({@code d × k}), written to
     * {@code out} from row {@code outRow} (row length {@code k}, overwritten). Element {@code (i,t)}
     * is {@code fma(x[i,d-1], w[d-1,t], … fma(x[i,0], w[0,t], 0))}: one fused multiply-add per
     * inner index, in order.
     */
    void gemmRows(float[] x, int d, int rs, int re, float[] w, int k, float[] out, int outRow);

    /**
     * Adds {@code Xᵀ·Y} of {@code rows} rows ({@code d × l}) to {@code acc} (row-major, double): the
     * rows {@code x[xRow..xRow+rows)} ({@code · × d}) and {@code y[yRow..yRow+rows)} ({@code · × l}).
     * They are accumulated in a zeroed float block by one fused multiply-add per row, in row order,
     * and the block is then added to {@code acc}. Callers keep the blocks fixed (≤ 256 rows).
     */
    void transposeAccumulate(float[] x, int xRow, int d, float[] y, int yRow, int l, int rows, double[] acc);

    /**
     * In place, for {@code j < r}: {@code v[off+j] = exp(-max(0, fma(-2, v[off+j], xSq + cSq[j]))
     * · scale)}: turns dot products {@code x·c_j} into RBF kernel values, with {@link #exp}.
     */
    void rbfRow(float[] v, int off, int r, float xSq, float[] cSq, float scale);

    /**
     * {@code Σ a[ao+j]·b[bo+j]}: {@value #LANES} partial sums ({@code j mod 16} over the whole
     * blocks, then the tail into partials {@code 0..}), each a chain of fused multiply-adds, summed
     * in order in double.
     */
    double dot(float[] a, int ao, float[] b, int bo, int n);

    /** {@code Σ (a[ao+j]−b[bo+j])²}, with the partial sums of {@link #dot}. */
    double squaredDistance(float[] a, int ao, float[] b, int bo, int n);

    /** Whether {@code a[from..to)} holds no NaN and no infinity. */
    boolean allFinite(float[] a, int from, int to);

    /** Cephes-style single-precision exp on {@code x ≤ 0} (relative error ~1e-7; 0 below −87). */
    static float exp(float x) {
        float v = Math.max(x, EXP_MIN);
        float n = Math.fma(v, LOG2E, ROUND) - ROUND;
        float r = Math.fma(n, -LN2_HI, v);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat(((int) n + 127) << 23);
        return x < EXP_MIN ? 0f : p * scale;
    }

    float EXP_MIN = -87f;
    float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding and subtracting it rounds to the nearest integer. */
    float ROUND = 12582912f;

    float LN2_HI = 0.693359375f;
    float LN2_LO = -2.12194440e-4f;
    float P0 = 1.9875691500e-4f;
    float P1 = 1.3981999507e-3f;
    float P2 = 8.3334519073e-3f;
    float P3 = 4.1665795894e-2f;
    float P4 = 1.6666665459e-1f;
    float P5 = 5.0000001201e-1f;
}
