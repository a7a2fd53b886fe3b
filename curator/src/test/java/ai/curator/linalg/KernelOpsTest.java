package ai.curator.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against the plain-Java reference: bit-identical on every shape (tails
 * included), and a JVM without {@code jdk.incubator.vector} computes the same bits.
 */
class KernelOpsTest {
    private static final KernelOps SCALAR = Kernels.scalar();
    private static final KernelOps OPS = Kernels.ops();

    private static float[] gaussian(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void theVectorKernelsRunWhereTheModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertTrue(present, "the build's test JVMs run with --add-modules=jdk.incubator.vector");
        if (VectorKernelOps.usable()) {
            assertTrue(Kernels.implementation().startsWith("vector-api"), Kernels.implementation());
        }
    }

    @Test
    void gemmIsBitIdenticalToTheScalarReferenceOnEveryShape() {
        int[] ds = {1, 3, 16, 37, 384};
        int[] ks = {1, 5, 15, 16, 17, 31, 32, 33, 64, 100};
        int[] ns = {1, 5, 6, 7, 13, 97, 200};
        for (int d : ds) {
            for (int k : ks) {
                for (int n : ns) {
                    float[] x = gaussian(n * d, 1 + d);
                    float[] w = gaussian(d * k, 2 + k);
                    float[] a = new float[(n + 2) * k];
                    float[] b = new float[(n + 2) * k];
                    // rows [1, n) written from output row 2: offsets on both sides
                    SCALAR.gemmRows(x, d, 1 % n, n, w, k, a, 2);
                    OPS.gemmRows(x, d, 1 % n, n, w, k, b, 2);
                    assertArrayEquals(a, b, "gemm d=" + d + " k=" + k + " n=" + n);
                }
            }
        }
    }

    @Test
    void gemmMatchesADoubleProduct() {
        int n = 50;
        int d = 384;
        int k = 70;
        float[] x = gaussian(n * d, 3);
        float[] w = gaussian(d * k, 4);
        float[] out = new float[n * k];
        OPS.gemmRows(x, d, 0, n, w, k, out, 0);
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) {
                double s = 0;
                for (int p = 0; p < d; p++) {
                    s += (double) x[i * d + p] * w[p * k + t];
                }
                assertEquals(s, out[i * k + t], 1e-4, "(" + i + "," + t + ")");
            }
        }
    }

    @Test
    void transposeAccumulateIsBitIdentical() {
        for (int d : new int[] {1, 7, 64}) {
            for (int l : new int[] {1, 5, 15, 16, 17, 40}) {
                for (int rows : new int[] {1, 3, 4, 9, 256}) {
                    float[] x = gaussian((rows + 3) * d, d);
                    float[] y = gaussian((rows + 1) * l, l);
                    double[] a = new double[d * l];
                    double[] b = new double[d * l];
                    SCALAR.transposeAccumulate(x, 3, d, y, 1, l, rows, a);
                    OPS.transposeAccumulate(x, 3, d, y, 1, l, rows, b);
                    assertArrayEquals(a, b, "d=" + d + " l=" + l + " rows=" + rows);
                    double[] ref = new double[d * l];
                    for (int i = 3; i < rows + 3; i++) {
                        for (int j = 0; j < d; j++) {
                            for (int t = 0; t < l; t++) {
                                ref[j * l + t] += (double) x[i * d + j] * y[(i - 2) * l + t];
                            }
                        }
                    }
                    assertArrayEquals(ref, b, 1e-4);
                }
            }
        }
    }

    @Test
    void reductionsAreBitIdenticalAndAccurate() {
        for (int n : new int[] {0, 1, 15, 16, 17, 31, 384, 385}) {
            float[] a = gaussian(n + 2, n);
            float[] b = gaussian(n + 5, n + 1);
            double dot = 0;
            double dist = 0;
            for (int j = 0; j < n; j++) {
                dot += (double) a[2 + j] * b[5 + j];
                double t = a[2 + j] - b[5 + j];
                dist += t * t;
            }
            assertEquals(SCALAR.dot(a, 2, b, 5, n), OPS.dot(a, 2, b, 5, n), 0.0, "dot n=" + n);
            assertEquals(SCALAR.squaredDistance(a, 2, b, 5, n), OPS.squaredDistance(a, 2, b, 5, n), 0.0);
            assertEquals(dot, OPS.dot(a, 2, b, 5, n), 1e-5);
            assertEquals(dist, OPS.squaredDistance(a, 2, b, 5, n), 1e-5);
        }
    }

    @Test
    void allFiniteFindsNanAndInfinityAnywhere() {
        float[] a = gaussian(100, 3);
        for (KernelOps ops : new KernelOps[] {SCALAR, OPS}) {
            assertTrue(ops.allFinite(a, 0, 100));
            for (int at : new int[] {0, 15, 16, 63, 99}) {
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] b = a.clone();
                    b[at] = bad;
                    assertEquals(false, ops.allFinite(b, 0, 100), ops.name() + " " + bad + " at " + at);
                    assertTrue(ops.allFinite(b, at + 1, 100), "outside the range");
                }
            }
        }
    }

    @Test
    void expIsAccurateAndTheRbfRowIsBitIdentical() {
        for (float x = -100f; x <= 0f; x += 0.001f) {
            float e = KernelOps.exp(x);
            double ref = Math.exp(x);
            if (x < -87f) {
                assertEquals(0f, e);
            } else {
                assertEquals(ref, e, 3e-7 * ref + Float.MIN_NORMAL, "exp(" + x + ")");
            }
        }
        assertEquals(1f, KernelOps.exp(0f));
        int r = 37;
        float[] cSq = gaussian(r, 9);
        for (int j = 0; j < r; j++) {
            cSq[j] = Math.abs(cSq[j]) * 3;
        }
        float[] a = gaussian(r + 4, 10);
        float[] b = a.clone();
        SCALAR.rbfRow(a, 4, r, 1.7f, cSq, 0.8f);
        OPS.rbfRow(b, 4, r, 1.7f, cSq, 0.8f);
        assertArrayEquals(a, b);
    }

    @Test
    void theWarmUpChangesNoResult() {
        long before = KernelsProbe.checksum();
        Kernels.warmUp();
        Kernels.warmUpInBackground(); // idempotent, daemon
        Kernels.warmUpInBackground();
        assertEquals(before, KernelsProbe.checksum());
    }

    @Test
    void aJvmWithoutTheVectorModuleComputesTheSameBits() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(), "-cp", System.getProperty("java.class.path"), KernelsProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("scalar " + KernelsProbe.checksum(), out);
    }
}
