package ai.curator.linalg;

import java.util.Arrays;

/** Plain-Java {@link KernelOps}: the reference, and the fallback without the Vector API. */
final class ScalarKernelOps implements KernelOps {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemmRows(float[] x, int d, int rs, int re, float[] w, int k, float[] out, int outRow) {
        float[] acc = new float[k];
        for (int i = rs; i < re; i++) {
            Arrays.fill(acc, 0f);
            int xo = i * d;
            for (int p = 0; p < d; p++) {
                float a = x[xo + p];
                int wo = p * k;
                for (int t = 0; t < k; t++) {
                    acc[t] = Math.fma(a, w[wo + t], acc[t]);
                }
            }
            System.arraycopy(acc, 0, out, (outRow + i - rs) * k, k);
        }
    }

    @Override
    public void transposeAccumulate(float[] x, int xRow, int d, float[] y, int yRow, int l, int rows, double[] acc) {
        float[] blk = new float[d * l];
        for (int i = 0; i < rows; i++) {
            int xo = (xRow + i) * d;
            int yo = (yRow + i) * l;
            for (int j = 0; j < d; j++) {
                float a = x[xo + j];
                int bo = j * l;
                for (int t = 0; t < l; t++) {
                    blk[bo + t] = Math.fma(a, y[yo + t], blk[bo + t]);
                }
            }
        }
        for (int t = 0; t < blk.length; t++) {
            acc[t] += blk[t];
        }
    }

    @Override
    public void rbfRow(float[] v, int off, int r, float xSq, float[] cSq, float scale) {
        for (int j = 0; j < r; j++) {
            float d2 = Math.max(0f, Math.fma(-2f, v[off + j], xSq + cSq[j]));
            v[off + j] = KernelOps.exp(-d2 * scale);
        }
    }

    @Override
    public double dot(float[] a, int ao, float[] b, int bo, int n) {
        float[] part = new float[LANES];
        int full = n - n % LANES;
        for (int j = 0; j < full; j += LANES) {
            for (int q = 0; q < LANES; q++) {
                part[q] = Math.fma(a[ao + j + q], b[bo + j + q], part[q]);
            }
        }
        for (int j = full; j < n; j++) {
            part[j - full] = Math.fma(a[ao + j], b[bo + j], part[j - full]);
        }
        return sum(part);
    }

    @Override
    public double squaredDistance(float[] a, int ao, float[] b, int bo, int n) {
        float[] part = new float[LANES];
        int full = n - n % LANES;
        for (int j = 0; j < full; j += LANES) {
            for (int q = 0; q < LANES; q++) {
                float t = a[ao + j + q] - b[bo + j + q];
                part[q] = Math.fma(t, t, part[q]);
            }
        }
        for (int j = full; j < n; j++) {
            float t = a[ao + j] - b[bo + j];
            part[j - full] = Math.fma(t, t, part[j - full]);
        }
        return sum(part);
    }

    @Override
    public boolean allFinite(float[] a, int from, int to) {
        float acc = 0f;
        for (int i = from; i < to; i++) {
            acc += a[i] - a[i]; // 0 for a finite value, NaN for NaN or ±∞
        }
        return acc == 0f;
    }

    /** The partial sums of a reduction added in order, in double (shared by both implementations). */
    static double sum(float[] part) {
        double s = 0;
        for (float p : part) {
            s += p;
        }
        return s;
    }
}
