package ai.curator.lm.train;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.model.SequenceLoss.Example;
import ai.curator.lm.model.Tensors;
import ai.curator.lm.model.Torch;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Fine-tunes a {@link CausalLm} on weighted prompt/response samples: either a {@link LoraAdapter}
 * on the frozen base, or every weight of the model ({@link #full}, also from a random
 * initialisation). The objective is the response tokens' mean negative log-likelihood of each
 * sample ({@link SequenceLoss}), weighted by the sample's weight × multiplicity; AdamW with a
 * warm-up and decay schedule, gradient accumulation over micro-batches, global-norm clipping,
 * checkpoints that resume bit-identically.
 *
 * <h2>Weights</h2>
 *
 * Sample i carries u_i = w_i · c_i (weight × multiplicity of the selected subset). Samples with
 * u_i = 0 are removed before anything else, so they have no effect at all (not even on the
 * shuffle or the batch boundaries). Each epoch visits every remaining sample once, in a seeded
 * shuffle, in batches B of {@code batchSize}; an update minimises
 *
 * <pre>  L_B = Σ_{i∈B} u_i ℓ_i / (ū · |B|),   ū = Σ_all u_j / N</pre>
 *
 * normalised by the mean weight of the whole training set, not of the batch. With all u = 1 this is
 * the usual batch mean; the expected update of a random batch is the full weighted mean Σ u_i ℓ_i /
 * Σ u_i, and with full-batch updates (batch ≥ N) a sample with u = 2 gives exactly the update of
 * the same sample listed twice. A per-batch normalisation (Σ_B u_i) would instead let one heavy
 * sample be diluted by light neighbours, and make the weight of a sample depend on its batch.
 *
 * <p>Not thread-safe: one JVM records gradients on one thread (DJL's GradientCollector is global).
 */
public final class Trainer {
    /** What {@link Options#overflow} does with a sample longer than {@code maxLength} tokens. */
    public enum Overflow {
        /** Keep its first {@code maxLength} tokens (cutting the response's end), counted in the result. */
        TRUNCATE,
        /** Reject it, naming it. */
        ERROR
    }

    /**
     * Training options; null means the default. Defaults are HALO's LLM fine-tuning setting
     * (METHODS.md) and training scripts (IST-DASLab/HALO {@code scripts/train_halo.sh}, {@code
     * configs/fft_*.yaml}): batch 32, 1 epoch, max length 512, 20 warm-up updates then linear decay
     * to 0, decoupled AdamW (β 0.9/0.999, ε 1e-8, no weight decay), seed 42; HALO's learning rates
     * are per task (GSM8K 6e-6, ViGGO 4e-5, SQL 3e-5) — the default here is ViGGO's 4e-5.
     *
     * @param learningRate peak learning rate (4e-5)
     * @param batchSize samples per update (32)
     * @param microBatchSize samples per forward/backward pass; gradients of {@code batchSize /
     *     microBatchSize} passes accumulate into one update (default: {@code batchSize}; lower it when
     *     a batch does not fit in memory — the update is the same)
     * @param epochs passes over the data (1)
     * @param maxSteps stop after this many updates in total, &gt; 0 (default: no limit)
     * @param maxLength tokens per sample, prompt + response (512)
     * @param overflow what to do with a longer sample (TRUNCATE)
     * @param schedule learning-rate schedule after warm-up (LINEAR)
     * @param warmupRatio warm-up length as a fraction of all updates, used when {@code warmupSteps}
     *     is null
     * @param warmupSteps warm-up length in updates (default: from the ratio when given, else 20,
     *     HALO's {@code WARMUP=20} batches)
     * @param adam AdamW's constants (β 0.9/0.999, ε 1e-8, weight decay 0)
     * @param maxGradNorm clip the gradients' global L2 norm to this; 0 = no clipping (1.0, {@code
     *     transformers}' default; HALO's composer configs leave clipping off)
     * @param seed drives the shuffle and dropout (42)
     * @param checkpointEvery write a checkpoint every this many updates, 0 = never (default 0; needs a
     *     checkpoint directory)
     * @param keepCheckpoints how many checkpoints to keep (2)
     */
    public record Options(
            Double learningRate,
            Integer batchSize,
            Integer microBatchSize,
            Integer epochs,
            Integer maxSteps,
            Integer maxLength,
            Overflow overflow,
            LrSchedule schedule,
            Double warmupRatio,
            Integer warmupSteps,
            AdamW adam,
            Double maxGradNorm,
            Long seed,
            Integer checkpointEvery,
            Integer keepCheckpoints) {
        public Options {
            learningRate = learningRate == null ? 4e-5 : learningRate;
            batchSize = batchSize == null ? 32 : batchSize;
            microBatchSize = microBatchSize == null ? batchSize : microBatchSize;
            epochs = epochs == null ? 1 : epochs;
            maxLength = maxLength == null ? 512 : maxLength;
            overflow = overflow == null ? Overflow.TRUNCATE : overflow;
            schedule = schedule == null ? LrSchedule.LINEAR : schedule;
            adam = adam == null ? new AdamW(0.9, 0.999, 1e-8, 0) : adam;
            maxGradNorm = maxGradNorm == null ? 1.0 : maxGradNorm;
            seed = seed == null ? 42L : seed;
            checkpointEvery = checkpointEvery == null ? 0 : checkpointEvery;
            keepCheckpoints = keepCheckpoints == null ? 2 : keepCheckpoints;
            if (!(learningRate > 0) || learningRate.isInfinite()) {
                throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
            }
            if (batchSize < 1 || microBatchSize < 1 || microBatchSize > batchSize) {
                throw new IllegalArgumentException(
                        "batch_size must be >= 1 and micro_batch_size in [1, batch_size], got " + batchSize + " and "
                                + microBatchSize);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (maxSteps != null && maxSteps < 1) {
                throw new IllegalArgumentException("max_steps must be >= 1, got " + maxSteps);
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("max_length must be >= 2, got " + maxLength);
            }
            if (warmupRatio != null && !(warmupRatio >= 0 && warmupRatio <= 1)) {
                throw new IllegalArgumentException("warmup_ratio must be in [0, 1], got " + warmupRatio);
            }
            if (warmupSteps != null && warmupSteps < 0) {
                throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
            }
            if (!(maxGradNorm >= 0)) {
                throw new IllegalArgumentException("max_grad_norm must be >= 0, got " + maxGradNorm);
            }
            if (checkpointEvery < 0 || keepCheckpoints < 1) {
                throw new IllegalArgumentException("checkpoint_every must be >= 0 and keep_checkpoints >= 1, got "
                        + checkpointEvery + " and " + keepCheckpoints);
            }
        }

        /** HALO's defaults. */
        public static Options defaults() {
            return new Options(
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * One training sample.
     *
     * @param id names it in messages
     * @param example prompt (context) and response (the tokens learned)
     * @param weight the subset's weight, finite and &ge; 0
     * @param count its multiplicity in the subset, &ge; 0
     */
    public record Sample(String id, Example example, double weight, int count) {
        public Sample {
            Objects.requireNonNull(example, "example");
        }

        /** A sample of weight 1 and multiplicity 1. */
        public static Sample of(String id, Example example) {
            return new Sample(id, example, 1, 1);
        }
    }

    /**
     * Progress after one update.
     *
     * @param step updates done
     * @param totalSteps updates of the run
     * @param loss the update's objective L_B
     * @param learningRate the rate used
     * @param gradNorm the global gradient norm before clipping
     * @param tokensPerSecond tokens (prompt + response) processed per second in this process
     * @param etaSeconds estimated time left
     */
    public record StepInfo(
            long step,
            long totalSteps,
            double loss,
            double learningRate,
            double gradNorm,
            double tokensPerSecond,
            double etaSeconds) {}

    /** Receives progress after every update. */
    @FunctionalInterface
    public interface Listener {
        void onStep(StepInfo info);
    }

    /**
     * What a run did.
     *
     * @param steps updates done in total (including those before a resume)
     * @param resumedFrom the update a checkpoint resumed from (0 = fresh start)
     * @param losses the objective of each update done in this process
     * @param samples samples trained on (after removing those of weight 0)
     * @param truncated samples cut to {@code maxLength}
     * @param tokens tokens processed in this process
     * @param seconds wall time of this process's updates
     */
    public record Result(
            long steps, long resumedFrom, double[] losses, int samples, int truncated, long tokens, double seconds) {
        /** Training tokens per second. */
        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : 0;
        }
    }

    /** Warm-up updates when neither a count nor a ratio is given (HALO's scripts). */
    public static final int HALO_WARMUP = 20;

    private final CausalLm lm;
    private final LoraAdapter adapter;
    private final Map<String, NDArray> params;
    private final Options options;

    private Trainer(CausalLm lm, LoraAdapter adapter, Map<String, NDArray> params, Options options) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.adapter = adapter;
        this.params = params;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Trains {@code adapter}'s A and B on {@code lm}, whose own weights stay frozen. */
    public static Trainer lora(CausalLm lm, LoraAdapter adapter, Options options) {
        return new Trainer(lm, Objects.requireNonNull(adapter, "adapter"), adapter.parameters(), options);
    }

    /**
     * Trains every weight of {@code lm} (full fine-tuning, or pre-training from a randomly
     * initialised checkpoint); save the result with {@code HfCheckpointWriter.write(dir,
     * lm.toCheckpoint())}.
     */
    public static Trainer full(CausalLm lm, Options options) {
        return new Trainer(lm, null, lm.parameters(), options);
    }

    /** The trainable arrays by name (PEFT names for LoRA, checkpoint names for full). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /**
     * Trains on {@code data}.
     *
     * @param checkpoints where checkpoints go (and are resumed from); null for none
     * @param resume continue from the newest checkpoint in {@code checkpoints} when there is one
     * @param listener progress after each update (null for none)
     * @throws DataException for bad samples (named by id), a checkpoint of another run, or a
     *     micro-batch that does not fit in memory
     */
    public Result train(List<Sample> data, Path checkpoints, boolean resume, Listener listener) throws IOException {
        List<Example> examples = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        int truncated = 0;
        // a sequence of maxPositions + 1 tokens fills the context (its last token is only a target)
        int maxLength = Math.min(options.maxLength(), lm.config().maxPositions() + 1);
        String limit = maxLength == options.maxLength()
                ? "max_length " + maxLength
                : maxLength + " tokens, what the model's context of "
                        + lm.config().maxPositions() + " takes";
        for (int i = 0; i < data.size(); i++) {
            Sample s = data.get(i);
            String id = s.id() == null ? "#" + i : s.id();
            if (!Double.isFinite(s.weight()) || s.weight() < 0 || s.count() < 0) {
                throw new DataException("sample " + id + ": weight " + s.weight() + " and count " + s.count()
                        + " must be finite and >= 0");
            }
            double u = s.weight() * s.count();
            if (u == 0) {
                continue;
            }
            Example e = s.example();
            if (e.prompt().length < 1 || e.response().length < 1) {
                throw new DataException(
                        "sample " + id + " has an empty " + (e.prompt().length < 1 ? "prompt" : "response")
                                + "; it needs at least one prompt token (e.g. BOS) and one response token");
            }
            int len = e.prompt().length + e.response().length;
            if (len > maxLength) {
                if (options.overflow() == Overflow.ERROR || e.prompt().length >= maxLength) {
                    throw new DataException("sample " + id + " has " + len + " tokens (" + e.prompt().length
                            + " prompt + " + e.response().length + " response), more than " + limit
                            + (options.overflow() == Overflow.ERROR
                                    ? " (overflow: truncate cuts the response's end)"
                                    : "; its prompt alone fills it, so nothing would be learned"));
                }
                e = new Example(e.prompt(), Arrays.copyOf(e.response(), maxLength - e.prompt().length));
                truncated++;
            }
            examples.add(e);
            weights.add(u);
        }
        int n = examples.size();
        if (n == 0) {
            throw new DataException("no training samples with a weight above 0");
        }
        double meanU = weights.stream().mapToDouble(Double::doubleValue).sum() / n;
        long perEpoch = (n + options.batchSize() - 1) / options.batchSize();
        long total = perEpoch * options.epochs();
        if (options.maxSteps() != null) {
            total = Math.min(total, options.maxSteps());
        }
        long warmup = options.warmupSteps() != null
                ? options.warmupSteps()
                : options.warmupRatio() != null ? (long) Math.ceil(options.warmupRatio() * total) : HALO_WARMUP;

        Map<String, float[]> m1 = new LinkedHashMap<>();
        Map<String, float[]> m2 = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            int size = Math.toIntExact(e.getValue().size());
            m1.put(e.getKey(), new float[size]);
            m2.put(e.getKey(), new float[size]);
        }
        TrainCheckpoints store = checkpoints == null
                ? null
                : new TrainCheckpoints(checkpoints, fingerprint(examples, weights), options.keepCheckpoints());
        long start = 0;
        if (store != null && resume) {
            TrainCheckpoints.State st = store.latest();
            if (st != null) {
                restore(st, m1, m2);
                start = st.step();
            }
        }

        SequenceLoss loss = new SequenceLoss(lm, new SequenceLoss.Options(options.microBatchSize(), null));
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        double[] losses = new double[(int) Math.max(0, total - start)];
        long tokens = 0;
        long t0 = System.nanoTime();
        int[] order = null;
        long orderEpoch = -1;
        for (long step = start; step < total; step++) {
            long epoch = step / perEpoch;
            if (epoch != orderEpoch) {
                order = shuffle(n, options.seed() + epoch);
                orderEpoch = epoch;
            }
            int from = (int) ((step % perEpoch) * options.batchSize());
            int to = Math.min(n, from + options.batchSize());
            double lossValue = 0;
            try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                gc.zeroGradients();
                int micro = 0;
                for (int a = from; a < to; a += options.microBatchSize(), micro++) {
                    int b = Math.min(to, a + options.microBatchSize());
                    List<Example> batch = new ArrayList<>(b - a);
                    float[] factor = new float[b - a];
                    for (int k = a; k < b; k++) {
                        Example e = examples.get(order[k]);
                        batch.add(e);
                        factor[k - a] = (float) (weights.get(order[k]) / (meanU * (to - from)));
                        tokens += e.prompt().length + e.response().length;
                    }
                    if (adapter != null) {
                        adapter.train(mix(options.seed(), step, micro));
                    }
                    try (NDManager m = lm.manager().newSubManager()) {
                        NDArray l = loss.loss(m, batch);
                        NDArray objective = l.mul(Tensors.floats(m, factor, new Shape(factor.length)))
                                .sum();
                        gc.backward(objective);
                        lossValue += objective.getFloat();
                    } catch (EngineException | OutOfMemoryError err) {
                        throw memory(err, b - a, batch);
                    } catch (IllegalArgumentException err) {
                        throw new DataException(
                                "training batch at update " + (step + 1) + ": " + err.getMessage(), err);
                    } finally {
                        if (adapter != null) {
                            adapter.eval();
                        }
                    }
                }
            }
            double gradNorm = update(step, total, warmup, m1, m2);
            losses[(int) (step - start)] = lossValue;
            if (store != null
                    && options.checkpointEvery() > 0
                    && (step + 1) % options.checkpointEvery() == 0
                    && step + 1 < total) {
                store.save(step + 1, snapshot(), moments(m1, m2));
            }
            if (listener != null) {
                double secs = (System.nanoTime() - t0) / 1e9;
                long done = step + 1 - start;
                listener.onStep(new StepInfo(
                        step + 1,
                        total,
                        lossValue,
                        options.learningRate() * options.schedule().factor(step, warmup, total),
                        gradNorm,
                        secs > 0 ? tokens / secs : 0,
                        secs / done * (total - step - 1)));
            }
        }
        for (NDArray p : params.values()) {
            p.setRequiresGradient(false);
        }
        return new Result(total, start, losses, n, truncated, tokens, (System.nanoTime() - t0) / 1e9);
    }

    /** Clips, applies AdamW in place; returns the gradient norm before clipping. */
    private double update(long step, long total, long warmup, Map<String, float[]> m1, Map<String, float[]> m2) {
        Map<String, float[]> grads = new LinkedHashMap<>();
        double sq = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] g;
            try (NDArray grad = e.getValue().getGradient()) {
                g = grad.toFloatArray();
            }
            for (float v : g) {
                sq += (double) v * v;
            }
            grads.put(e.getKey(), g);
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            throw new DataException("the gradient became " + norm + " at update " + (step + 1)
                    + "; lower the learning rate (now " + options.learningRate() + ")");
        }
        double clip = options.maxGradNorm() > 0 ? Math.min(1, options.maxGradNorm() / (norm + 1e-6)) : 1;
        double lr = options.learningRate() * options.schedule().factor(step, warmup, total);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] g = grads.get(e.getKey());
            if (clip < 1) {
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (g[i] * clip);
                }
            }
            NDArray p = e.getValue();
            float[] d = options.adam().delta(p.toFloatArray(), g, m1.get(e.getKey()), m2.get(e.getKey()), step + 1, lr);
            try (NDManager m = lm.manager().newSubManager()) {
                p.subi(Tensors.floats(m, d, p.getShape()));
            }
        }
        return norm;
    }

    private void restore(TrainCheckpoints.State st, Map<String, float[]> m1, Map<String, float[]> m2) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            Tensor saved = st.params().get(e.getKey());
            Tensor mm = st.moments().get("m." + e.getKey());
            Tensor vv = st.moments().get("v." + e.getKey());
            if (saved == null || mm == null || vv == null) {
                throw new DataException("checkpoint at update " + st.step() + " lacks '" + e.getKey() + "'");
            }
            NDArray p = e.getValue();
            try (NDManager m = lm.manager().newSubManager()) {
                p.subi(p.duplicate());
                p.addi(Tensors.floats(m, saved.data(), p.getShape()));
            }
            System.arraycopy(mm.data(), 0, m1.get(e.getKey()), 0, mm.data().length);
            System.arraycopy(vv.data(), 0, m2.get(e.getKey()), 0, vv.data().length);
        }
    }

    private Map<String, Tensor> snapshot() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, new Tensor(v.getShape().getShape(), v.toFloatArray())));
        return out;
    }

    private Map<String, Tensor> moments(Map<String, float[]> m1, Map<String, float[]> m2) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            long[] shape = v.getShape().getShape();
            out.put("m." + k, new Tensor(shape, m1.get(k).clone()));
            out.put("v." + k, new Tensor(shape, m2.get(k).clone()));
        });
        return out;
    }

    /** A permutation of 0..n-1 from {@code seed} (Fisher-Yates on java.util.Random). */
    static int[] shuffle(int n, long seed) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    private static long mix(long seed, long step, int micro) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + micro * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static DataException memory(Throwable err, int rows, List<Example> batch) {
        int longest = 0;
        for (Example e : batch) {
            longest = Math.max(longest, e.prompt().length + e.response().length);
        }
        String msg = String.valueOf(err.getMessage());
        if (err instanceof OutOfMemoryError
                || msg.toLowerCase(java.util.Locale.ROOT).contains("memory")
                || msg.toLowerCase(java.util.Locale.ROOT).contains("alloc")) {
            return new DataException(
                    "a micro-batch of " + rows + " samples (up to " + longest
                            + " tokens) does not fit in memory (" + msg + "); set micro_batch_size to "
                            + Math.max(1, rows / 2) + " or lower (the update stays the same) or lower max_length",
                    err);
        }
        throw err instanceof RuntimeException re ? re : new IllegalStateException(err);
    }

    /** Identifies the data, options and trainable shapes, so a checkpoint is never resumed into another run. */
    private String fingerprint(List<Example> examples, List<Double> weights) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder b = new StringBuilder(options.toString());
            params.forEach((k, v) -> b.append(k).append(v.getShape()));
            md.update(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8);
            for (int i = 0; i < examples.size(); i++) {
                for (int[] part :
                        new int[][] {examples.get(i).prompt(), examples.get(i).response()}) {
                    md.update((byte) 0);
                    for (int t : part) {
                        buf.clear();
                        buf.putInt(t);
                        md.update(buf.array(), 0, 4);
                    }
                }
                buf.clear();
                buf.putDouble(weights.get(i));
                md.update(buf.array());
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
