package ai.curator.lm.io;

/**
 * Reorders the rows of a query or key projection from Meta's interleaved rotary order (llama2.c,
 * GGUF: each head rotates the pairs of rows (2i, 2i+1)) to Hugging Face's "rotate half" order
 * (rows (i, i + headDim/2)): within each head, row 2i goes to i and row 2i+1 to i + headDim/2.
 * This undoes the {@code permute} of llama.cpp's {@code convert_hf_to_gguf.py} (and is the
 * {@code permute} of {@code transformers}' {@code convert_llama_weights_to_hf.py}).
 */
public final class RotaryPermutation {
    private RotaryPermutation() {}

    /**
     * The rows of {@code w} ([heads·headDim, cols], row-major) in rotate-half order.
     *
     * @param heads heads of this projection: attention heads for q, key/value heads for k
     */
    public static float[] interleavedToHalf(float[] w, int heads, int headDim, int cols) {
        check(w, heads, headDim, cols);
        float[] out = new float[w.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = h * headDim;
            for (int i = 0; i < half; i++) {
                System.arraycopy(w, (base + 2 * i) * cols, out, (base + i) * cols, cols);
                System.arraycopy(w, (base + 2 * i + 1) * cols, out, (base + half + i) * cols, cols);
            }
        }
        return out;
    }

    /** The inverse of {@link #interleavedToHalf}: rotate-half rows back to interleaved pairs. */
    public static float[] halfToInterleaved(float[] w, int heads, int headDim, int cols) {
        check(w, heads, headDim, cols);
        float[] out = new float[w.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = h * headDim;
            for (int i = 0; i < half; i++) {
                System.arraycopy(w, (base + i) * cols, out, (base + 2 * i) * cols, cols);
                System.arraycopy(w, (base + half + i) * cols, out, (base + 2 * i + 1) * cols, cols);
            }
        }
        return out;
    }

    private static void check(float[] w, int heads, int headDim, int cols) {
        if (headDim % 2 != 0 || (long) heads * headDim * cols != w.length) {
            throw new IllegalArgumentException("a rotary projection of " + heads + " heads of " + headDim
                    + " rows (even) and " + cols + " columns needs " + (long) heads * headDim * cols + " values, got "
                    + w.length);
        }
    }
}
