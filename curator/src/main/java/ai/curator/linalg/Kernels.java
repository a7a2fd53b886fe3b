package ai.curator.linalg;

import java.lang.reflect.Constructor;

/**
 * The hot loops over row-major float arrays, shared by the algorithms. They run on the Vector API
 * when the JVM has {@code jdk.incubator.vector} (the {@code scripts/} launchers and the build add
 * {@code --add-modules jdk.incubator.vector}) and in plain Java otherwise; both give bit-identical
 * results ({@link KernelOps}). {@code -Dcurator.simd=false} forces plain Java.
 */
public final class Kernels {
    private Kernels() {}

    private static final KernelOps SCALAR = new ScalarKernelOps();
    private static final KernelOps OPS = pick();

    private static KernelOps pick() {
        if (!Boolean.parseBoolean(System.getProperty("curator.simd", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            Class<?> c = Class.forName("ai.curator.linalg.VectorKernelOps");
            if (!(Boolean) c.getDeclaredMethod("usable").invoke(null)) {
                return SCALAR;
            }
            Constructor<?> ctor = c.getDeclaredConstructor();
            return (KernelOps) ctor.newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return SCALAR;
        }
    }

    private static volatile Thread warmer;

    /**
     * Starts, once per JVM, a low-priority daemon thread that runs the kernels on small arrays until
     * the JIT has compiled them. The Vector API is only fast once C2 has compiled it (before that
     * every vector operation allocates), and a first large call made on cold kernels spends its
     * first seconds that way — while the compiler competes with the worker threads for the cores.
     * {@code curator run} and the benchmarks call this at start, so that the warm-up overlaps with
     * reading the recipe and the data. Results do not depend on it.
     */
    public static void warmUpInBackground() {
        if (OPS == SCALAR || warmer != null) {
            return;
        }
        synchronized (Kernels.class) {
            if (warmer == null) {
                Thread t = new Thread(Kernels::warmUp, "curator-kernel-warm-up");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                warmer = t;
                t.start();
            }
        }
    }

    /** Runs every kernel on small arrays, through the entry points the algorithms use. */
    static void warmUp() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        FloatMatrix x = FloatMatrix.gaussian(203, 48, rnd);
        FloatMatrix wide = FloatMatrix.gaussian(48, 40, rnd);
        FloatMatrix narrow = FloatMatrix.gaussian(48, 7, rnd);
        float[] cSq = new float[40];
        for (int it = 0; it < 400; it++) {
            FloatMatrix p = x.multiply(wide);
            FloatMatrix q = x.multiply(narrow);
            x.transposeMultiply(q);
            x.transposeMultiply(p);
            x.rowSquaredNorms();
            x.requireFinite("warm-up");
            for (int i = 0; i < 16; i++) {
                OPS.rbfRow(p.data(), i * 40, 40, 1f, cSq, 0.01f);
                OPS.squaredDistance(x.data(), 0, x.data(), i * 48, 48);
            }
        }
    }

    /** The implementation in use ("vector-api 512-bit", "scalar"), for provenance and benchmarks. */
    public static String implementation() {
        return OPS.name();
    }

    /** The plain-Java implementation, for tests that compare the two. */
    static KernelOps scalar() {
        return SCALAR;
    }

    /** The implementation in use. */
    static KernelOps ops() {
        return OPS;
    }

    /** Dot product of {@code n} floats ({@link KernelOps#dot}: 16 fixed partial sums). */
    public static double dot(float[] a, int ao, float[] b, int bo, int n) {
        return OPS.dot(a, ao, b, bo, n);
    }

    /** Squared Euclidean distance between two float rows of length {@code n}. */
    public static double squaredDistance(float[] a, int ao, float[] b, int bo, int n) {
        return OPS.squaredDistance(a, ao, b, bo, n);
    }

    /**
     * Rows {@code [rs, re)} of {@code x} ({@code · × d}) times {@code w} ({@code d × k}), written to
     * {@code out} starting at row {@code outRow} (row length {@code k}); {@code out} rows are
     * overwritten. See {@link KernelOps#gemmRows}.
     */
    public static void gemmRows(float[] x, int d, int rs, int re, float[] w, int k, float[] out, int outRow) {
        OPS.gemmRows(x, d, rs, re, w, k, out, outRow);
    }

    /** {@link #gemmRows} in plain Java whatever the JVM offers: the reference, for benchmarks. */
    public static void scalarGemmRows(float[] x, int d, int rs, int re, float[] w, int k, float[] out, int outRow) {
        SCALAR.gemmRows(x, d, rs, re, w, k, out, outRow);
    }

    /** Whether {@code a[from..to)} holds no NaN and no infinity. */
    public static boolean allFinite(float[] a, int from, int to) {
        return OPS.allFinite(a, from, to);
    }

    /** Adds {@code Xᵀ·Y} of a row block to {@code acc}; see {@link KernelOps#transposeAccumulate}. */
    public static void transposeAccumulate(
            float[] x, int xRow, int d, float[] y, int yRow, int l, int rows, double[] acc) {
        OPS.transposeAccumulate(x, xRow, d, y, yRow, l, rows, acc);
    }

    /**
     * Turns the dot products {@code v[off..off+r)} of one row (squared norm {@code xSq}) with {@code
     * r} centres (squared norms {@code cSq}) into RBF kernel values {@code exp(−‖x−c‖²·scale)}.
     */
    public static void rbfRow(float[] v, int off, int r, float xSq, float[] cSq, float scale) {
        OPS.rbfRow(v, off, r, xSq, cSq, scale);
    }
}
