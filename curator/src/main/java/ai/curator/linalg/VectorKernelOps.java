package ai.curator.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelOps} on the Vector API ({@code jdk.incubator.vector}), bit-identical to {@link
 * ScalarKernelOps}. Loaded only by reflection from {@link Kernels}, so the rest of the code runs
 * without the incubator module. Needs a preferred vector of 8 or 16 floats (AVX2 / AVX-512).
 *
 * <p>The matrix product packs {@code w} into panels of {@code 2L} columns ({@code L} floats per
 * vector) and runs a 6-row × 2-vector register-blocked kernel over row chunks that stay in cache:
 * measured at ~360 GFLOP/s on 2 AVX-512 cores against ~16 for the former plain-Java loop (see
 * docs/linalg-measurements.md).
 */
final class VectorKernelOps implements KernelOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    /** Rows per cache chunk of the product (a multiple of 6). */
    private static final int MC = 96;

    /** Whether this machine's preferred vectors suit these kernels. */
    static boolean usable() {
        return (L == 8 || L == 16) && SI.length() == L;
    }

    @Override
    public String name() {
        return "vector-api " + S.vectorBitSize() + "-bit";
    }

    @Override
    public void gemmRows(float[] x, int d, int rs, int re, float[] w, int k, float[] out, int outRow) {
        if (re <= rs || k == 0) {
            return;
        }
        if (k <= L) {
            gemmNarrow(x, d, rs, re, w, k, out, outRow);
            return;
        }
        int panels = (k + NR - 1) / NR;
        float[] packed = new float[panels * d * NR];
        for (int pn = 0; pn < panels; pn++) {
            int t0 = pn * NR;
            int width = Math.min(NR, k - t0);
            int base = pn * d * NR;
            for (int p = 0; p < d; p++) {
                System.arraycopy(w, p * k + t0, packed, base + p * NR, width);
            }
        }
        float[] tmp = new float[NR * 6];
        for (int c0 = rs; c0 < re; c0 += MC) {
            int c1 = Math.min(re, c0 + MC);
            for (int pn = 0; pn < panels; pn++) {
                int t0 = pn * NR;
                int width = Math.min(NR, k - t0);
                int base = pn * d * NR;
                int i = c0;
                for (; i + 5 < c1; i += 6) {
                    kernel6(x, i * d, d, 1, d, packed, base, NR, tmp);
                    for (int r = 0; r < 6; r++) {
                        System.arraycopy(tmp, r * NR, out, (outRow + i + r - rs) * k + t0, width);
                    }
                }
                for (; i < c1; i++) {
                    kernel1(x, i * d, 1, d, packed, base, NR, tmp);
                    System.arraycopy(tmp, 0, out, (outRow + i - rs) * k + t0, width);
                }
            }
        }
    }

    /** {@code k ≤ L}: one zero-padded vector of {@code w} per inner index, 8 rows at a time. */
    private static void gemmNarrow(float[] x, int d, int rs, int re, float[] w, int k, float[] out, int outRow) {
        float[] packed = new float[d * L];
        for (int p = 0; p < d; p++) {
            System.arraycopy(w, p * k, packed, p * L, k);
        }
        float[] tmp = new float[8 * L];
        int i = rs;
        for (; i + 7 < re; i += 8) {
            kernel8n(x, d, i, packed, tmp);
            for (int r = 0; r < 8; r++) {
                System.arraycopy(tmp, r * L, out, (outRow + i + r - rs) * k, k);
            }
        }
        for (; i < re; i++) {
            FloatVector c = FloatVector.zero(S);
            int x0 = i * d;
            for (int p = 0; p < d; p++) {
                c = FloatVector.broadcast(S, x[x0 + p]).fma(FloatVector.fromArray(S, packed, p * L), c);
            }
            c.intoArray(tmp, 0);
            System.arraycopy(tmp, 0, out, (outRow + i - rs) * k, k);
        }
    }

    private static void kernel8n(float[] x, int d, int i, float[] pk, float[] tmp) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        int x0 = i * d;
        for (int p = 0; p < d; p++) {
            FloatVector b = FloatVector.fromArray(S, pk, p * L);
            c0 = FloatVector.broadcast(S, x[x0 + p]).fma(b, c0);
            c1 = FloatVector.broadcast(S, x[x0 + d + p]).fma(b, c1);
            c2 = FloatVector.broadcast(S, x[x0 + 2 * d + p]).fma(b, c2);
            c3 = FloatVector.broadcast(S, x[x0 + 3 * d + p]).fma(b, c3);
            c4 = FloatVector.broadcast(S, x[x0 + 4 * d + p]).fma(b, c4);
            c5 = FloatVector.broadcast(S, x[x0 + 5 * d + p]).fma(b, c5);
            c6 = FloatVector.broadcast(S, x[x0 + 6 * d + p]).fma(b, c6);
            c7 = FloatVector.broadcast(S, x[x0 + 7 * d + p]).fma(b, c7);
        }
        c0.intoArray(tmp, 0);
        c1.intoArray(tmp, L);
        c2.intoArray(tmp, 2 * L);
        c3.intoArray(tmp, 3 * L);
        c4.intoArray(tmp, 4 * L);
        c5.intoArray(tmp, 5 * L);
        c6.intoArray(tmp, 6 * L);
        c7.intoArray(tmp, 7 * L);
    }

    /**
     * Six rows × two vectors of {@code A·B} over {@code inner} indices: {@code A(r, p) =
     * a[aOff + r·aRs + p·aCs]}, {@code B(p, ·) = b[bOff + p·ldb ..]} ({@code 2L} floats); results
     * go to {@code tmp} (6 rows of {@code 2L}).
     */
    private static void kernel6(
            float[] a, int aOff, int aRs, int aCs, int inner, float[] b, int bOff, int ldb, float[] tmp) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        int a0 = aOff;
        int a1 = a0 + aRs;
        int a2 = a1 + aRs;
        int a3 = a2 + aRs;
        int a4 = a3 + aRs;
        int a5 = a4 + aRs;
        for (int p = 0; p < inner; p++) {
            int bo = bOff + p * ldb;
            int ap = p * aCs;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[a4 + ap]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[a5 + ap]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
        }
        c00.intoArray(tmp, 0);
        c01.intoArray(tmp, L);
        c10.intoArray(tmp, NR);
        c11.intoArray(tmp, NR + L);
        c20.intoArray(tmp, 2 * NR);
        c21.intoArray(tmp, 2 * NR + L);
        c30.intoArray(tmp, 3 * NR);
        c31.intoArray(tmp, 3 * NR + L);
        c40.intoArray(tmp, 4 * NR);
        c41.intoArray(tmp, 4 * NR + L);
        c50.intoArray(tmp, 5 * NR);
        c51.intoArray(tmp, 5 * NR + L);
    }

    /** One row × two vectors; see {@link #kernel6}. */
    private static void kernel1(float[] a, int aOff, int aCs, int inner, float[] b, int bOff, int ldb, float[] tmp) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        for (int p = 0; p < inner; p++) {
            int bo = bOff + p * ldb;
            FloatVector v = FloatVector.broadcast(S, a[aOff + p * aCs]);
            c0 = v.fma(FloatVector.fromArray(S, b, bo), c0);
            c1 = v.fma(FloatVector.fromArray(S, b, bo + L), c1);
        }
        c0.intoArray(tmp, 0);
        c1.intoArray(tmp, L);
    }

    /**
     * As a product {@code Yᵀ·X} of the row blocks ({@code l × d}; {@code A(t, i) = y[i, t]}, {@code
     * B(i, ·)} the rows of {@code x} read in place), transposed into {@code acc}. The kernels sum
     * over their inner index — here the row — by fused multiply-adds in order from zero, exactly the
     * reference's per-row accumulation.
     */
    @Override
    public void transposeAccumulate(float[] x, int xRow, int d, float[] y, int yRow, int l, int rows, double[] acc) {
        if (rows <= 0) {
            return;
        }
        float[] out = new float[l * d];
        float[] tmp = new float[6 * NR];
        int j0 = 0;
        for (; j0 + NR <= d; j0 += NR) {
            yTx(y, l, yRow, rows, x, xRow * d + j0, d, out, d, j0, NR, tmp);
        }
        if (j0 < d) {
            int width = d - j0;
            float[] buf = new float[rows * NR];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x, (xRow + i) * d + j0, buf, i * NR, width);
            }
            yTx(y, l, yRow, rows, buf, 0, NR, out, d, j0, width, tmp);
        }
        for (int j = 0; j < d; j++) {
            for (int t = 0; t < l; t++) {
                acc[j * l + t] += out[t * d + j];
            }
        }
    }

    /** Columns {@code [j0, j0+width)} of {@code out = Yᵀ·B} for one panel of {@code B}. */
    private static void yTx(
            float[] y,
            int l,
            int rs,
            int rows,
            float[] b,
            int bOff,
            int ldb,
            float[] out,
            int d,
            int j0,
            int width,
            float[] tmp) {
        int t = 0;
        for (; t + 5 < l; t += 6) {
            kernel6(y, rs * l + t, 1, l, rows, b, bOff, ldb, tmp);
            for (int r = 0; r < 6; r++) {
                System.arraycopy(tmp, r * NR, out, (t + r) * d + j0, width);
            }
        }
        for (; t < l; t++) {
            kernel1(y, rs * l + t, l, rows, b, bOff, ldb, tmp);
            System.arraycopy(tmp, 0, out, t * d + j0, width);
        }
    }

    @Override
    public boolean allFinite(float[] a, int from, int to) {
        FloatVector acc = FloatVector.zero(S);
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            acc = acc.add(v.sub(v));
        }
        float tail = 0f;
        for (; i < to; i++) {
            tail += a[i] - a[i];
        }
        return tail == 0f && !acc.test(VectorOperators.IS_NAN).anyTrue();
    }

    @Override
    public void rbfRow(float[] v, int off, int r, float xSq, float[] cSq, float scale) {
        int j = 0;
        FloatVector zero = FloatVector.zero(S);
        for (; j + L <= r; j += L) {
            FloatVector sum = FloatVector.fromArray(S, cSq, j).add(xSq);
            FloatVector d2 =
                    FloatVector.fromArray(S, v, off + j).fma(c(-2f), sum).max(zero);
            exp(d2.mul(-scale)).intoArray(v, off + j);
        }
        for (; j < r; j++) {
            float d2 = Math.max(0f, Math.fma(-2f, v[off + j], xSq + cSq[j]));
            v[off + j] = KernelOps.exp(-d2 * scale);
        }
    }

    /** Lane-wise {@link KernelOps#exp}, the same operations in the same order. */
    static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(EXP_MIN);
        FloatVector n = v.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector r = n.fma(c(-LN2_HI), v);
        r = n.fma(c(-LN2_LO), r);
        FloatVector p = c(P0).fma(r, c(P1));
        p = p.fma(r, c(P2));
        p = p.fma(r, c(P3));
        p = p.fma(r, c(P4));
        p = p.fma(r, c(P5));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, SI, 0))
                .add(127)
                .lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = bits.reinterpretAsFloats();
        VectorMask<Float> under = x.lt(EXP_MIN);
        return p.mul(scale).blend(0f, under);
    }

    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }

    @Override
    public double dot(float[] a, int ao, float[] b, int bo, int n) {
        int full = n - n % LANES;
        float[] part = new float[LANES];
        if (L == 16) {
            FloatVector s0 = FloatVector.zero(S);
            for (int j = 0; j < full; j += 16) {
                s0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), s0);
            }
            s0.intoArray(part, 0);
        } else {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            for (int j = 0; j < full; j += 16) {
                s0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), s0);
                s1 = FloatVector.fromArray(S, a, ao + j + 8).fma(FloatVector.fromArray(S, b, bo + j + 8), s1);
            }
            s0.intoArray(part, 0);
            s1.intoArray(part, 8);
        }
        for (int j = full; j < n; j++) {
            part[j - full] = Math.fma(a[ao + j], b[bo + j], part[j - full]);
        }
        return ScalarKernelOps.sum(part);
    }

    @Override
    public double squaredDistance(float[] a, int ao, float[] b, int bo, int n) {
        int full = n - n % LANES;
        float[] part = new float[LANES];
        if (L == 16) {
            FloatVector s0 = FloatVector.zero(S);
            for (int j = 0; j < full; j += 16) {
                FloatVector t = FloatVector.fromArray(S, a, ao + j).sub(FloatVector.fromArray(S, b, bo + j));
                s0 = t.fma(t, s0);
            }
            s0.intoArray(part, 0);
        } else {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            for (int j = 0; j < full; j += 16) {
                FloatVector t = FloatVector.fromArray(S, a, ao + j).sub(FloatVector.fromArray(S, b, bo + j));
                s0 = t.fma(t, s0);
                FloatVector u = FloatVector.fromArray(S, a, ao + j + 8).sub(FloatVector.fromArray(S, b, bo + j + 8));
                s1 = u.fma(u, s1);
            }
            s0.intoArray(part, 0);
            s1.intoArray(part, 8);
        }
        for (int j = full; j < n; j++) {
            float t = a[ao + j] - b[bo + j];
            part[j - full] = Math.fma(t, t, part[j - full]);
        }
        return ScalarKernelOps.sum(part);
    }
}
