package ai.curator.learn.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.select.algo.Asss;
import ai.curator.learn.select.algo.AsssBilevel;
import ai.curator.learn.select.algo.Trace;
import ai.curator.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bit-exact determinism of the learned selectors: the same seed, twice in one JVM, gives
 * byte-identical scores (every p compared by its bits, not within a tolerance), warm-up proxies,
 * training traces and subset. The selector contract only checks the subset; a score that differs in
 * the last bit would change a top-M cut on ties and make runs irreproducible. A different seed must
 * change the scores (so the check is not passing on a constant).
 */
class AsssDeterminismTest {
    private static final int N = 400;

    /** Three classes, two informative features, 10% label noise. */
    private static FloatMatrix data(int[] y) {
        SplittableRandom r = new SplittableRandom(21);
        float[] x = new float[N * 3];
        for (int i = 0; i < N; i++) {
            y[i] = i % 3;
            x[3 * i] = (float) (r.nextGaussian() + 2 * (y[i] == 1 ? 1 : 0));
            x[3 * i + 1] = (float) (r.nextGaussian() + 2 * (y[i] == 2 ? 1 : 0));
            x[3 * i + 2] = (float) r.nextGaussian();
            if (i % 10 == 0) {
                y[i] = (y[i] + 1) % 3;
            }
        }
        return new FloatMatrix(N, 3, x);
    }

    private static final MlpClassifier.Options TASK = new MlpClassifier.Options(16, 8, 1, 32, 1e-2, 1, 0);

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    private static void assertSame(Asss.Result a, Asss.Result b) {
        assertArrayEquals(bits(a.p()), bits(b.p()), "p, bit for bit");
        assertArrayEquals(a.top().rows(), b.top().rows(), "subset");
        assertArrayEquals(bits(a.warmup().loss()), bits(b.warmup().loss()), "warm-up loss");
        assertArrayEquals(bits(a.warmup().gradNorm()), bits(b.warmup().gradNorm()), "warm-up gradient-norm proxy");
        assertEquals(a.trace().snapshots().size(), b.trace().snapshots().size());
        for (int s = 0; s < a.trace().snapshots().size(); s++) {
            Trace.Snapshot x = a.trace().snapshots().get(s);
            Trace.Snapshot z = b.trace().snapshots().get(s);
            assertEquals(
                    Double.doubleToRawLongBits(x.meanP()),
                    Double.doubleToRawLongBits(z.meanP()),
                    "mean p, snapshot " + s);
            assertEquals(
                    Double.doubleToRawLongBits(x.objective()),
                    Double.doubleToRawLongBits(z.objective()),
                    "objective, snapshot " + s);
            assertArrayEquals(x.histogram(), z.histogram(), "histogram, snapshot " + s);
        }
        assertArrayEquals(bits(a.trace().classFraction()), bits(b.trace().classFraction()), "class fractions");
    }

    @Test
    void asssIsBitExactForTheSameSeed() {
        int[] y = new int[N];
        FloatMatrix x = data(y);
        Asss.Params p = new Asss.Params(0.1, 0.1, 2, 32, 1e-3, 1e-4, 1.0, 0.1, 1.0, 0.9, new int[] {16, 8}, 1, TASK);
        Asss.Result a = Asss.run(x, y, 3, 120, p, 7);
        Asss.Result b = Asss.run(x, y, 3, 120, p, 7);
        assertSame(a, b);
        assertFalse(Arrays.equals(bits(a.p()), bits(Asss.run(x, y, 3, 120, p, 8).p())), "another seed, other scores");
    }

    @Test
    void asssBilevelIsBitExactForTheSameSeed() {
        int[] y = new int[N];
        FloatMatrix x = data(y);
        for (int variant = 0; variant < 4; variant++) {
            AsssBilevel.Quota quota = variant == 2
                    ? AsssBilevel.Quota.LEARNED
                    : variant == 3 ? AsssBilevel.Quota.EQUAL : AsssBilevel.Quota.PROPORTIONAL;
            AsssBilevel.Params p = new AsssBilevel.Params(
                    2,
                    32,
                    1e-3,
                    1e-3,
                    1.0,
                    1.0,
                    0.2,
                    1.0,
                    new int[] {16, 8},
                    1,
                    TASK,
                    variant > 0,
                    variant == 2,
                    quota);
            Asss.Result a = AsssBilevel.run(x, y, 3, 120, p, 7);
            Asss.Result b = AsssBilevel.run(x, y, 3, 120, p, 7);
            assertSame(a, b);
            assertFalse(
                    Arrays.equals(
                            bits(a.p()),
                            bits(AsssBilevel.run(x, y, 3, 120, p, 8).p())),
                    "another seed, other scores");
        }
    }

    /**
     * The same seed under garbage-collection pressure: a thread collects and refills freed native
     * memory while both selectors train. Before {@code Tensors}, DJL's constants ({@code mul(Number)},
     * {@code div(Number)}) were freed under the autograd graph and a collection before {@code
     * backward} made the gradient garbage now and then; this test failed with those constants.
     */
    @Test
    void selectorsStayBitExactWhileTheGarbageCollectorRuns() throws InterruptedException {
        int[] y = new int[N];
        FloatMatrix x = data(y);
        Asss.Params p = new Asss.Params(0.1, 0.1, 2, 32, 1e-3, 1e-4, 1.0, 0.1, 1.0, 0.9, new int[] {16, 8}, 1, TASK);
        AsssBilevel.Params pb = new AsssBilevel.Params(
                2,
                32,
                1e-3,
                1e-3,
                1.0,
                1.0,
                0.2,
                1.0,
                new int[] {16, 8},
                1,
                TASK,
                false,
                false,
                AsssBilevel.Quota.PROPORTIONAL);
        Asss.Result a = Asss.run(x, y, 3, 120, p, 7);
        Asss.Result ab = AsssBilevel.run(x, y, 3, 120, pb, 7);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread churn = new Thread(
                () -> {
                    while (!stop.get()) {
                        System.gc();
                        for (int i = 0; i < 2000; i++) {
                            java.nio.ByteBuffer.allocateDirect(4 * (1 + i % 4))
                                    .putFloat(0, 1e30f); // reuse freed small blocks
                        }
                    }
                },
                "gc-churn");
        churn.setDaemon(true);
        churn.start();
        try {
            for (int run = 0; run < 4; run++) {
                assertSame(a, Asss.run(x, y, 3, 120, p, 7));
                assertSame(ab, AsssBilevel.run(x, y, 3, 120, pb, 7));
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }
}
