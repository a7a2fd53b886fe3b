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
          kernel6(x, d, i, packed, base, tmp);
          for (int r = 0; r < 6; r++) {
            System.arraycopy(tmp, r * NR, out, (outRow + i + r - rs) * k + t0, width);
          }
        }
        for (; i < c1; i++) {
          kernel1(x, d, i, packed, base, tmp);
          System.arraycopy(tmp, 0, out, (outRow + i - rs) * k + t0, width);
        }
      }
    }
  }

  private static void kernel6(float[] x, int d, int i, float[] pk, int base, float[] tmp) {
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
    int x0 = i * d;
    int x1 = x0 + d;
    int x2 = x1 + d;
    int x3 = x2 + d;
    int x4 = x3 + d;
    int x5 = x4 + d;
    for (int p = 0; p < d; p++) {
      int bo = base + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pk, bo);
      FloatVector b1 = FloatVector.fromArray(S, pk, bo + L);
      FloatVector a = FloatVector.broadcast(S, x[x0 + p]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, x[x1 + p]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, x[x2 + p]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, x[x3 + p]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, x[x4 + p]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, x[x5 + p]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
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

  private static void kernel1(float[] x, int d, int i, float[] pk, int base, float[] tmp) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = FloatVector.zero(S);
    int x0 = i * d;
    for (int p = 0; p < d; p++) {
      int bo = base + p * NR;
      FloatVector a = FloatVector.broadcast(S, x[x0 + p]);
      c0 = a.fma(FloatVector.fromArray(S, pk, bo), c0);
      c1 = a.fma(FloatVector.fromArray(S, pk, bo + L), c1);
    }
    c0.intoArray(tmp, 0);
    c1.intoArray(tmp, L);
  }

  @Override
  public void transposeAccumulate(
      float[] x, int d, float[] y, int l, int rs, int re, double[] acc) {
    int lp = (l + L - 1) / L * L;
    int rows = re - rs;
    float[] yp = new float[rows * lp];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(y, (rs + i) * l, yp, i * lp, l);
    }
    float[] blk = new float[d * lp];
    int i = 0;
    for (; i + 3 < rows; i += 4) {
      int x0 = (rs + i) * d;
      int x1 = x0 + d;
      int x2 = x1 + d;
      int x3 = x2 + d;
      int y0 = i * lp;
      for (int v = 0; v < lp; v += L) {
        FloatVector b0 = FloatVector.fromArray(S, yp, y0 + v);
        FloatVector b1 = FloatVector.fromArray(S, yp, y0 + lp + v);
        FloatVector b2 = FloatVector.fromArray(S, yp, y0 + 2 * lp + v);
        FloatVector b3 = FloatVector.fromArray(S, yp, y0 + 3 * lp + v);
        for (int j = 0; j < d; j++) {
          int bo = j * lp + v;
          FloatVector c = FloatVector.fromArray(S, blk, bo);
          c = FloatVector.broadcast(S, x[x0 + j]).fma(b0, c);
          c = FloatVector.broadcast(S, x[x1 + j]).fma(b1, c);
          c = FloatVector.broadcast(S, x[x2 + j]).fma(b2, c);
          c = FloatVector.broadcast(S, x[x3 + j]).fma(b3, c);
          c.intoArray(blk, bo);
        }
      }
    }
    for (; i < rows; i++) {
      int x0 = (rs + i) * d;
      for (int v = 0; v < lp; v += L) {
        FloatVector b0 = FloatVector.fromArray(S, yp, i * lp + v);
        for (int j = 0; j < d; j++) {
          int bo = j * lp + v;
          FloatVector.broadcast(S, x[x0 + j]).fma(b0, FloatVector.fromArray(S, blk, bo))
              .intoArray(blk, bo);
        }
      }
    }
    for (int j = 0; j < d; j++) {
      for (int t = 0; t < l; t++) {
        acc[j * l + t] += blk[j * lp + t];
      }
    }
  }

  @Override
  public void rbfRow(float[] v, int off, int r, float xSq, float[] cSq, float scale) {
    int j = 0;
    FloatVector zero = FloatVector.zero(S);
    for (; j + L <= r; j += L) {
      FloatVector sum = FloatVector.fromArray(S, cSq, j).add(xSq);
      FloatVector d2 = FloatVector.fromArray(S, v, off + j).fma(c(-2f), sum).max(zero);
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
    IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, SI, 0)).add(127)
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
        s1 = FloatVector.fromArray(S, a, ao + j + 8)
            .fma(FloatVector.fromArray(S, b, bo + j + 8), s1);
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
        FloatVector u =
            FloatVector.fromArray(S, a, ao + j + 8).sub(FloatVector.fromArray(S, b, bo + j + 8));
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
