package ai.curator.learn.select.algo;

import ai.curator.learn.nn.Losses;
import ai.curator.learn.nn.Mlp;
import ai.curator.learn.nn.MlpClassifier;
import ai.curator.learn.nn.Tensors;
import ai.curator.learn.nn.Torch;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Rand;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;

/**
 * Adversarial soft-selection subsampling as printed (paper 000 §3, Algorithm 1, eqs. 2–4).
 *
 * <p>Selector G_φ: MLP with two hidden layers → logit sᵢ, pᵢ = σ(sᵢ). Relaxed mask (eq. 2) with two
 * independent Gumbel noises g, g′: {@code z̃ = softmax((log p + g)/τ, (log(1−p) + g′)/τ)[0] =
 * σ((s + g − g′)/τ)} (log p − log(1−p) = s), τ annealed linearly from τ₀ to τ₁ over the
 * iterations. Task network C_θ: the 3-layer MLP. Each iteration on a minibatch B:
 *
 * <ol>
 *   <li>task step: {@code L_C = −(1/B) Σ z̃ᵢ Σₖ yᵢₖ log ŷᵢₖ = (1/B) Σ z̃ᵢ·CEᵢ} (eq. 3 as printed; the
 *       minus belongs to the log-likelihood), Adam on θ with lr η_θ;
 *   <li>selector step with a fresh z̃: {@code L_G = (L_C − b) + λ·mean(p) − β·H(p)} (eq. 4), H the
 *       mean binary entropy, b a moving average of L_C (the paper's baseline; for this pathwise
 *       gradient a constant shift, so it changes the logged objective, not the update), Adam on φ
 *       with lr η_φ &lt; η_θ (TTUR) and element-wise gradient clipping.
 * </ol>
 *
 * <p>Final subset: top-M by p* = σ(G_φ*(x)) with the stratified floor of {@link TopM}. Selector
 * inputs: features + warm-up loss and gradient-norm proxies + one-hot label ({@link Warmup}).
 *
 * <p><b>Known problem</b> (METHODS.md): CEᵢ ≥ 0, so L_C falls when any z̃ᵢ falls, and most for the
 * highest-loss rows; the sparsity term falls with p too. Only the entropy term holds p off 0, and
 * the learned ranking puts high-loss rows last — the selector keeps the easy rows. (Read with CE as a
 * positive quantity, METHODS.md's "L_C = −mean(z̃·CE)" would have the task network maximise its
 * loss; we implement the printed equation, where the sign is the log-likelihood's.) This class
 * implements it faithfully so that the behaviour can be measured; {@link AsssBilevel} is the sound
 * variant.
 */
public final class Asss {
    private Asss() {}

    /**
     * Hyperparameters (paper: TTUR η_θ = 1e-3, η_φ = 1e-4, τ 1.0 → 0.1; λ "tuned via validation" —
     * not tuned here, default 0.1).
     *
     * @param lambda sparsity weight λ ≥ 0
     * @param beta entropy weight β ≥ 0
     * @param epochs passes over the rows ≥ 1
     * @param batchSize minibatch rows ≥ 1
     * @param taskLr η_θ &gt; 0
     * @param selectorLr η_φ &gt; 0
     * @param tauStart τ₀ &gt; 0
     * @param tauEnd τ₁ in (0, τ₀]
     * @param clip element-wise clip of the selector's gradient &gt; 0
     * @param baselineMomentum moving-average momentum of the baseline, in [0, 1)
     * @param selectorHidden selector widths (two hidden layers)
     * @param warmupEpochs warm-up epochs ≥ 1
     * @param task the task network
     */
    public record Params(
            double lambda,
            double beta,
            int epochs,
            int batchSize,
            double taskLr,
            double selectorLr,
            double tauStart,
            double tauEnd,
            double clip,
            double baselineMomentum,
            int[] selectorHidden,
            int warmupEpochs,
            MlpClassifier.Options task) {}

    /**
     * Result.
     *
     * @param p final selection probability of every row
     * @param top the top-M subset
     * @param trace histograms of p during training and class fractions
     * @param warmup the warm-up proxies
     */
    public record Result(double[] p, TopM.Result top, Trace trace, Warmup warmup) {}

    /** Runs ASSS on {@code x} (N × d) with labels {@code y} and keeps {@code m} rows. */
    public static Result run(FloatMatrix x, int[] y, int classes, int m, Params o, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Warmup warm = Warmup.run(x, y, classes, o.task(), o.warmupEpochs(), rnd.nextLong());
        return train(x, y, classes, m, o, rnd, warm, warm.selectorInputs(x, y, classes));
    }

    /** As {@link #run}, with a warm-up already computed on the same rows (the benchmark shares one per fold). */
    public static Result run(FloatMatrix x, int[] y, int classes, int m, Params o, long seed, Warmup warm) {
        SplittableRandom rnd = new SplittableRandom(seed);
        rnd.nextLong(); // the warm-up's seed in run()
        return train(x, y, classes, m, o, rnd, warm, warm.selectorInputs(x, y, classes));
    }

    private static Result train(
            FloatMatrix x, int[] y, int classes, int m, Params o, SplittableRandom rnd, Warmup warm, FloatMatrix sIn) {
        int n = x.rows();
        Trace trace = new Trace();
        try (MlpClassifier task = MlpClassifier.create(
                        x.cols(),
                        classes,
                        new MlpClassifier.Options(
                                o.task().hidden1(), o.task().hidden2(), 1, o.batchSize(), o.taskLr(), 1, 0),
                        rnd.nextLong());
                Mlp sel = new Mlp(sIn.cols(), o.selectorHidden(), 1, o.selectorLr(), o.clip(), rnd.nextLong())) {
            int perEpoch = (n + o.batchSize() - 1) / o.batchSize();
            int total = perEpoch * o.epochs();
            int snapEvery = Math.max(1, total / 4);
            trace.add(0, o.tauStart(), probabilities(sel, sIn), Double.NaN);
            double baseline = Double.NaN;
            double objSum = 0;
            int objCount = 0;
            int t = 0;
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                int[] order = Rand.permutation(n, rnd);
                for (int start = 0; start < n; start += o.batchSize(), t++) {
                    int len = Math.min(o.batchSize(), n - start);
                    int[] b = new int[len];
                    System.arraycopy(order, start, b, 0, len);
                    double tau =
                            total == 1 ? o.tauEnd() : o.tauStart() + (o.tauEnd() - o.tauStart()) * t / (total - 1.0);
                    try (NDManager sub = task.net().manager().newSubManager()) {
                        NDArray xb = Losses.rows(sub, x.data(), x.cols(), b);
                        NDArray sb = Losses.rows(sub, sIn.data(), sIn.cols(), b);
                        NDArray oh = Losses.oneHot(sub, y, b, classes);
                        // 1. task step on L_C = mean(z̃ · CE), z̃ a constant here.
                        NDArray zTask =
                                relaxedMask(sel.forward(sb, false).reshape(len), logisticNoise(sub, len, rnd), tau);
                        try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                            gc.zeroGradients();
                            NDArray lc = Losses.crossEntropy(task.net().forward(xb, true), oh)
                                    .mul(zTask)
                                    .mean();
                            gc.backward(lc);
                        }
                        task.net().step();
                        // 2. selector step on L_G with a fresh z̃; CE of the updated task network, a constant.
                        NDArray ce = Losses.crossEntropy(task.net().forward(xb, false), oh);
                        double lcValue;
                        double lg;
                        try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                            gc.zeroGradients();
                            NDArray logit = sel.forward(sb, true).reshape(len);
                            NDArray p = Activation.sigmoid(logit);
                            NDArray z = relaxedMask(logit, logisticNoise(sub, len, rnd), tau);
                            NDArray lc = z.mul(ce).mean();
                            lcValue = lc.getFloat();
                            double base = Double.isNaN(baseline) ? lcValue : baseline;
                            NDArray pc = p.clip(1e-6f, 1 - 1e-6f);
                            NDArray one = Tensors.scalar(sub, 1f);
                            NDArray entropy = pc.mul(pc.log())
                                    .add(pc.neg().add(one).mul(pc.neg().add(one).log()))
                                    .mean()
                                    .neg();
                            NDArray loss = lc.sub(Tensors.scalar(sub, (float) base))
                                    .add(p.mean().mul(Tensors.scalar(sub, (float) o.lambda())))
                                    .sub(entropy.mul(Tensors.scalar(sub, (float) o.beta())));
                            lg = loss.getFloat();
                            gc.backward(loss);
                        }
                        sel.step();
                        baseline = Double.isNaN(baseline)
                                ? lcValue
                                : o.baselineMomentum() * baseline + (1 - o.baselineMomentum()) * lcValue;
                        objSum += lg;
                        objCount++;
                    }
                    if ((t + 1) % snapEvery == 0 || t + 1 == total) {
                        if (trace.snapshots().get(trace.snapshots().size() - 1).iteration() != t + 1) {
                            trace.add(t + 1, tau, probabilities(sel, sIn), objSum / Math.max(1, objCount));
                            objSum = 0;
                            objCount = 0;
                        }
                    }
                }
            }
            double[] p = probabilities(sel, sIn);
            TopM.Result top = TopM.select(p, y, classes, m);
            trace.classFraction(top.rows(), y, classes);
            return new Result(p, top, trace, warm);
        }
    }

    /** z̃ = σ((s + g − g′)/τ): eq. 2 with log p − log(1 − p) = s. */
    static NDArray relaxedMask(NDArray logit, NDArray noise, double tau) {
        return Activation.sigmoid(logit.add(noise).div(Tensors.scalar(noise.getManager(), (float) tau)));
    }

    /** g − g′ for two independent standard Gumbel draws: a standard logistic draw, from the seed. */
    static NDArray logisticNoise(NDManager m, int len, SplittableRandom rnd) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            double u1 = Math.min(1 - 1e-12, Math.max(1e-12, rnd.nextDouble()));
            double u2 = Math.min(1 - 1e-12, Math.max(1e-12, rnd.nextDouble()));
            v[i] = (float) (-Math.log(-Math.log(u1)) + Math.log(-Math.log(u2)));
        }
        return Tensors.create(m, v, new Shape(len));
    }

    /** σ(G(s)) for every row of the selector input. */
    static double[] probabilities(Mlp sel, FloatMatrix sIn) {
        float[] logits = sel.predict(sIn.data(), sIn.rows());
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return p;
    }
}
