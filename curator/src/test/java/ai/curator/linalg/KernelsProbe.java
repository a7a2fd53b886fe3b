package ai.curator.linalg;

import java.util.SplittableRandom;

/** Run in a fresh JVM by {@link KernelOpsTest}: prints the implementation and a result checksum. */
public final class KernelsProbe {
    private KernelsProbe() {}

    public static void main(String[] args) {
        System.out.println(Kernels.implementation() + " " + checksum());
    }

    /** A checksum of the bits of a product, an RBF row, a distance and a dot product. */
    static long checksum() {
        SplittableRandom rnd = new SplittableRandom(5);
        FloatMatrix x = FloatMatrix.gaussian(41, 45, rnd);
        FloatMatrix w = FloatMatrix.gaussian(45, 39, rnd);
        FloatMatrix p = x.multiply(w);
        long h = 17;
        for (float v : p.data()) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        float[] cSq = new float[39];
        java.util.Arrays.fill(cSq, 2f);
        Kernels.rbfRow(p.data(), 0, 39, 3f, cSq, 0.01f);
        for (float v : p.data()) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        for (double v : x.transposeMultiply(x)) {
            h = h * 31 + Double.doubleToLongBits(v);
        }
        h = h * 31 + Double.doubleToLongBits(Kernels.squaredDistance(x.data(), 0, x.data(), 45, 45));
        return h * 31 + Double.doubleToLongBits(Kernels.dot(x.data(), 0, x.data(), 90, 45));
    }
}
