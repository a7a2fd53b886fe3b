package ai.curator.learn.select.algo;

import ai.curator.learn.nn.Losses;
import ai.curator.learn.nn.Mlp;
import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.nn.Tensors;
import ai.curator.learn.nn.Torch;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Rand;
import ai.curator.select.algo.ClassQuotas;
import ai.curator.tabular.Labels;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The sound variant of ASSS ({@code asss_bilevel}): the selector is scored by what its weights do
 * to the task network on data it is not weighting.
 *
 * <p>The rows are split once into a training pool and a held-out pool ({@code heldOutFraction}).
 * Each iteration draws a batch B from the pool and a batch V from the held-out rows, and:
 *
 * <ol>
 *   <li><b>selector step</b>: p = σ(G_φ(B)), weights w = p / Σp (so the mean weight is pinned: the
 *       selector can move weight between rows but not shrink it all). One look-ahead SGD step of the
 *       task network's <em>last layer</em> on the weighted batch, W′ = W − η·Σ wᵢ∇_W CEᵢ (exact for
 *       that layer: ∇_W CEᵢ = (softmax − onehot)ᵢ hᵢᵀ with hᵢ the penultimate features, held fixed);
 *       the selector's loss is the <em>unweighted</em> mean cross-entropy of the looked-ahead
 *       network on V, plus μ·(mean p − ρ)², which holds the mean of p at the budget ratio ρ = M/N so
 *       that top-M by p is a natural cut. Autograd carries the loss back through W′ to φ.
 *   <li><b>task step</b>: Adam on the whole task network with the weighted loss Σ wᵢ·CEᵢ (w from the
 *       selector, held constant).
 * </ol>
 *
 * <p>Restricting the look-ahead to the last layer keeps it exact and cheap (no second-order
 * autograd through the body, which DJL does not expose); it is the "learning to reweight" signal
 * (Ren et al. 2018) in its one-step, unrolled form. Final subset: class quotas (in proportion to
 * class sizes, or learned from the selector's class masses), each class's top rows by p or a draw
 * ∝ p, at least one row per class; selector inputs as for {@link Asss}.
 *
 * <p><b>Class-balanced objective</b> ({@link Params#classBalanced}): the held-out loss averages
 * over classes rather than rows, the surrogate of the macro-averaged metrics (macro-F1, macro AUC)
 * the tabular benchmark reports. The look-ahead then rewards weight on rows whose gradient helps
 * the rare classes on held-out data; with learned quotas the selector decides how much of each class
 * the subset keeps, and the subset is trained on as it is (weight N/M), so its class mix is the
 * model's prior — the "curated subset better than the imbalanced full set" the paper describes
 * (000 §4.3).
 */
public final class AsssBilevel {
    private AsssBilevel() {}

    /**
     * Hyperparameters.
     *
     * @param epochs passes over the training pool ≥ 1
     * @param batchSize minibatch rows ≥ 1 (both B and V)
     * @param taskLr task network Adam lr &gt; 0
     * @param selectorLr selector Adam lr &gt; 0
     * @param lookaheadLr η of the look-ahead SGD step &gt; 0
     * @param pin μ ≥ 0, weight of (mean p − ρ)²
     * @param heldOutFraction share of rows in the held-out pool, in (0, 0.5]
     * @param clip element-wise clip of the selector's gradient &gt; 0
     * @param selectorHidden selector widths
     * @param warmupEpochs warm-up epochs ≥ 1
     * @param task the task network
     * @param sample draw each class's quota with probability ∝ p ({@link TopM#sampleWithin}) instead
     *     of taking its top rows by p ({@link TopM#topWithin})
     * @param classBalanced score the selector by the <em>class-balanced</em> held-out loss (the
     *     surrogate of macro-averaged metrics): the held-out part is a stratified share of every class
     *     ({@link Labels#holdOut}) and each row of V is drawn from a class chosen uniformly, so every
     *     class weighs the same in the selector's loss; otherwise the held-out part is a random share of
     *     the rows and V a uniform draw from it (rows weigh the same)
     * @param quota how the budget is split over the classes ({@link Quota})
     */
    public record Params(
            int epochs,
            int batchSize,
            double taskLr,
            double selectorLr,
            double lookaheadLr,
            double pin,
            double heldOutFraction,
            double clip,
            int[] selectorHidden,
            int warmupEpochs,
            MlpClassifier.Options task,
            boolean sample,
            boolean classBalanced,
            Quota quota) {
        public Params {
            java.util.Objects.requireNonNull(quota, "quota");
        }
    }

    /** How the budget M is split over the classes; every rule keeps one row per class when M allows. */
    public enum Quota {
        /** In proportion to class sizes, largest remainder ({@link ClassQuotas#proportional}): the data's class mix. */
        PROPORTIONAL,
        /** In proportion to the selector's class masses Σ_{i∈c} p_i, capped at class sizes ({@link TopM#learnedQuotas}). */
        LEARNED,
        /**
         * Equal shares, a class smaller than its share kept whole and the rest shared (water-filling; {@link
         * ClassQuotas#equal}): the flat class mix of {@code uniform_balanced}.
         */
        EQUAL;

        int[] quotas(double[] p, int[] y, int classes, int m) {
            return switch (this) {
                case PROPORTIONAL -> ClassQuotas.proportional(y, classes, m);
                case LEARNED -> TopM.learnedQuotas(p, y, classes, m);
                case EQUAL -> ClassQuotas.equal(y, classes, m);
            };
        }
    }

    /** Runs the variant on {@code x} (N × d) with labels {@code y} and keeps {@code m} rows. */
    public static Asss.Result run(FloatMatrix x, int[] y, int classes, int m, Params o, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return run(x, y, classes, m, o, rnd, Warmup.run(x, y, classes, o.task(), o.warmupEpochs(), rnd.nextLong()));
    }

    /** As {@link #run}, with a warm-up already computed on the same rows (the benchmark shares one per fold). */
    public static Asss.Result run(FloatMatrix x, int[] y, int classes, int m, Params o, long seed, Warmup warm) {
        SplittableRandom rnd = new SplittableRandom(seed);
        rnd.nextLong();
        return run(x, y, classes, m, o, rnd, warm);
    }

    private static Asss.Result run(
            FloatMatrix x, int[] y, int classes, int m, Params o, SplittableRandom rnd, Warmup warm) {
        FloatMatrix sIn = warm.selectorInputs(x, y, classes);
        int n = x.rows();
        double rho = m / (double) n;
        int[] held;
        int[] pool;
        if (o.classBalanced()) {
            int[][] parts = Labels.holdOut(y, classes, o.heldOutFraction(), rnd);
            pool = parts[0];
            held = parts[1];
        } else {
            int[] perm = Rand.permutation(n, rnd);
            int nHeld = Math.max(1, Math.min(n - 1, (int) Math.round(o.heldOutFraction() * n)));
            if (n < 2) {
                nHeld = 0;
            }
            held = Arrays.copyOfRange(perm, 0, nHeld);
            pool = Arrays.copyOfRange(perm, nHeld, n);
            if (held.length == 0) {
                held = pool;
            }
        }
        int[][] heldByClass = o.classBalanced() ? byClass(held, y, classes) : null;
        Trace trace = new Trace();
        try (MlpClassifier task = MlpClassifier.create(
                        x.cols(),
                        classes,
                        new MlpClassifier.Options(
                                o.task().hidden1(), o.task().hidden2(), 1, o.batchSize(), o.taskLr(), 1, 0),
                        rnd.nextLong());
                Mlp sel = new Mlp(sIn.cols(), o.selectorHidden(), 1, o.selectorLr(), o.clip(), rnd.nextLong())) {
            Mlp net = task.net();
            int perEpoch = (pool.length + o.batchSize() - 1) / o.batchSize();
            int total = perEpoch * o.epochs();
            int snapEvery = Math.max(1, total / 4);
            trace.add(0, Double.NaN, Asss.probabilities(sel, sIn), Double.NaN);
            double objSum = 0;
            int objCount = 0;
            int t = 0;
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                int[] order = Rand.permutation(pool.length, rnd);
                for (int start = 0; start < pool.length; start += o.batchSize(), t++) {
                    int len = Math.min(o.batchSize(), pool.length - start);
                    int[] b = new int[len];
                    for (int j = 0; j < len; j++) {
                        b[j] = pool[order[start + j]];
                    }
                    int[] v = new int[Math.min(o.batchSize(), held.length)];
                    for (int j = 0; j < v.length; j++) {
                        if (heldByClass != null) {
                            int[] rows = heldByClass[rnd.nextInt(heldByClass.length)];
                            v[j] = rows[rnd.nextInt(rows.length)];
                        } else {
                            v[j] = held[rnd.nextInt(held.length)];
                        }
                    }
                    try (NDManager sub = net.manager().newSubManager()) {
                        NDArray xb = Losses.rows(sub, x.data(), x.cols(), b);
                        NDArray sb = Losses.rows(sub, sIn.data(), sIn.cols(), b);
                        NDArray ohB = Losses.oneHot(sub, y, b, classes);
                        NDArray ohV = Losses.oneHot(sub, y, v, classes);
                        NDArray hB = net.features(xb, false);
                        NDArray deltaB = net.forward(xb, false).softmax(1).sub(ohB); // B × C, constant
                        NDArray hV = net.features(Losses.rows(sub, x.data(), x.cols(), v), false);
                        NDArray w0 = Tensors.create(
                                sub,
                                net.headWeight().toFloatArray(),
                                net.headWeight().getShape()); // constant copy
                        NDArray b0 = Tensors.create(
                                sub,
                                net.headBias().toFloatArray(),
                                net.headBias().getShape());
                        NDArray weights;
                        double obj;
                        try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                            gc.zeroGradients();
                            NDArray p = Activation.sigmoid(sel.forward(sb, true).reshape(len));
                            NDArray w = p.div(p.sum());
                            NDArray wd = deltaB.mul(w.reshape(len, 1)); // B × C
                            NDArray gradW = wd.transpose().matMul(hB); // C × H
                            NDArray gradB = wd.sum(new int[] {0});
                            NDArray eta = Tensors.scalar(sub, (float) o.lookaheadLr());
                            NDArray w1 = w0.sub(gradW.mul(eta));
                            NDArray b1 = b0.sub(gradB.mul(eta));
                            NDArray logitsV = hV.matMul(w1.transpose()).add(b1);
                            NDArray lval = Losses.crossEntropy(logitsV, ohV).mean();
                            NDArray gap = p.mean().sub(Tensors.scalar(sub, (float) rho));
                            NDArray loss = lval.add(gap.mul(gap).mul(Tensors.scalar(sub, (float) o.pin())));
                            obj = lval.getFloat();
                            gc.backward(loss);
                            weights = w.stopGradient();
                        }
                        sel.step();
                        try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                            gc.zeroGradients();
                            NDArray lw = Losses.crossEntropy(net.forward(xb, true), ohB)
                                    .mul(weights)
                                    .sum();
                            gc.backward(lw);
                        }
                        net.step();
                        objSum += obj;
                        objCount++;
                    }
                    if ((t + 1) % snapEvery == 0 || t + 1 == total) {
                        if (trace.snapshots().get(trace.snapshots().size() - 1).iteration() != t + 1) {
                            trace.add(t + 1, Double.NaN, Asss.probabilities(sel, sIn), objSum / Math.max(1, objCount));
                            objSum = 0;
                            objCount = 0;
                        }
                    }
                }
            }
            double[] p = Asss.probabilities(sel, sIn);
            int[] quota = o.quota().quotas(p, y, classes, m);
            TopM.Result top =
                    o.sample() ? TopM.sampleWithin(p, y, classes, quota, rnd) : TopM.topWithin(p, y, classes, quota);
            trace.classFraction(top.rows(), y, classes);
            return new Asss.Result(p, top, trace, warm);
        }
    }

    /** The rows of {@code rows} grouped by class, classes without rows left out. */
    private static int[][] byClass(int[] rows, int[] y, int classes) {
        int[] count = new int[classes];
        for (int r : rows) {
            count[y[r]]++;
        }
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (count[c] == 0) {
                continue;
            }
            int[] members = new int[count[c]];
            int k = 0;
            for (int r : rows) {
                if (y[r] == c) {
                    members[k++] = r;
                }
            }
            out.add(members);
        }
        return out.toArray(new int[0][]);
    }
}
