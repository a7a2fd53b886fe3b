package ai.curator.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Per-sample losses of a {@link CausalLm} on prompt/response pairs: the mean negative
 * log-likelihood of the response tokens given the prompt (prompt tokens are context, never targets)
 * — the ℓ(i) a curation algorithm queries on its landmark rows — and the norm of each sample's
 * gradient with respect to the output layer, the alternative objective.
 *
 * <p>Examples are sorted by length and run in right-padded batches of {@code batchSize}; padding is
 * masked, so a loss does not depend on its batch (checked to 1e-5 by the tests). Only the positions
 * that predict a response token go through the output layer and the softmax, so long prompts with
 * a large vocabulary do not cost [B, T, vocab] logits.
 */
public final class SequenceLoss {
    /**
     * One sample.
     *
     * @param prompt context ids, at least one (BOS included when the model wants it)
     * @param response ids whose likelihood is measured, at least one
     */
    public record Example(int[] prompt, int[] response) {
        public Example {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(response, "response");
        }
    }

    /** What to do with an example longer than the context. */
    public enum Overflow {
        /** Reject it, naming it (the default). */
        ERROR,
        /** Keep its last {@code maxPositions + 1} tokens (the prompt's start goes first). */
        TRUNCATE_LEFT
    }

    /**
     * @param batchSize examples per forward pass, &ge; 1 (default 8)
     * @param overflow what to do with an example longer than the context (default {@link Overflow#ERROR})
     */
    public record Options(Integer batchSize, Overflow overflow) {
        public Options {
            batchSize = batchSize == null ? 8 : batchSize;
            overflow = overflow == null ? Overflow.ERROR : overflow;
            if (batchSize < 1) {
                throw new IllegalArgumentException("loss.batch_size must be >= 1, got " + batchSize);
            }
        }

        /** The defaults. */
        public static Options defaults() {
            return new Options(null, null);
        }
    }

    private final CausalLm lm;
    private final Options options;

    public SequenceLoss(CausalLm lm, Options options) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The mean response-token negative log-likelihood of each example (nats), in order. */
    public double[] losses(List<Example> examples) {
        return perBatch(examples, (m, batch) -> loss(m, batch).toFloatArray());
    }

    /**
     * The L2 norm of each example's gradient of its loss with respect to the output layer's weight
     * (the {@code lm_head} matrix as it is used in the head, also when tied to the embedding),
     * computed in closed form: with {@code g_t = softmax(z_t) − onehot(y_t)} and final hidden states
     * {@code h_t} over the n response targets, ‖∇W‖² = Σ_{s,t} (g_s·g_t)(h_s·h_t) / n².
     */
    public double[] outputGradientNorms(List<Example> examples) {
        return perBatch(examples, (m, batch) -> {
            Prepared p = prepare(m, batch);
            NDArray h = responseHidden(m, p);
            NDArray g = lm.head(h).softmax(-1).sub(p.targets.oneHot(lm.config().vocabSize(), DataType.FLOAT32));
            // per row, over its own positions only ([B, maxN, ·], padding weighted 0): linear in the batch
            long rows = p.rowIndex.getShape().get(0);
            long maxN = p.rowIndex.getShape().get(1);
            NDArray flatIndex = p.rowIndex.reshape(-1);
            NDArray w = p.rowWeights.expandDims(2);
            NDArray gw = Embedding.embedding(flatIndex, g, SparseFormat.DENSE)
                    .singletonOrThrow()
                    .reshape(rows, maxN, -1)
                    .mul(w);
            NDArray hr = Embedding.embedding(flatIndex, h, SparseFormat.DENSE)
                    .singletonOrThrow()
                    .reshape(rows, maxN, -1);
            NDArray kernel = gw.batchMatMul(gw.transpose(0, 2, 1)).mul(hr.batchMatMul(hr.transpose(0, 2, 1)));
            float[] sq = kernel.sum(new int[] {1, 2}).toFloatArray();
            float[] out = new float[sq.length];
            for (int i = 0; i < sq.length; i++) {
                out[i] = (float) Math.sqrt(Math.max(0, sq[i]));
            }
            return out;
        });
    }

    /**
     * The L2 norm of each example's loss gradient with respect to {@code parameters} together (e.g.
     * a low-rank adapter's A and B matrices), by one backward pass per example under a {@code
     * GradientCollector}. The parameters are marked as requiring gradients; their gradients are
     * left holding the last example's.
     *
     * @param parameters arrays the forward pass reads (through {@link Projection.Delta}s or the
     *     model's own weights)
     */
    public double[] gradientNorms(List<Example> examples, List<NDArray> parameters) {
        for (NDArray p : parameters) {
            if (!p.hasGradient()) {
                p.setRequiresGradient(true);
            }
        }
        double[] out = new double[examples.size()];
        for (int i = 0; i < out.length; i++) {
            try (NDManager m = lm.manager().newSubManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                gc.zeroGradients();
                gc.backward(loss(m, List.of(examples.get(i))));
                double sq = 0;
                for (NDArray p : parameters) {
                    try (NDArray g = p.getGradient()) {
                        sq += g.square().sum().toType(DataType.FLOAT64, false).getDouble();
                    }
                }
                out[i] = Math.sqrt(sq);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("example " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The losses of one batch as an array [B] that records gradients under a {@code
     * GradientCollector} (for whatever requires them: adapter weights, a caller's parameters).
     *
     * @param m where the result and temporaries are attached (keep it open until backward is done)
     */
    public NDArray loss(NDManager m, List<Example> batch) {
        Prepared p = prepare(m, batch);
        NDArray logp = lm.head(responseHidden(m, p)).logSoftmax(-1);
        NDArray picked = logp.gather(p.targets.expandDims(1), 1).squeeze(1);
        // each row's mean over its own response tokens: [B, maxN] gathered from the flat [N], padding weighted 0
        return picked.take(p.rowIndex).mul(p.rowWeights).sum(new int[] {1}).neg();
    }

    /** Final hidden states [N, hidden] of the N positions that predict a response token (prompt positions skip the head). */
    private NDArray responseHidden(NDManager m, Prepared p) {
        NDArray h = lm.hidden(m, p.batch, null);
        NDArray flat = h.reshape(-1, lm.config().hiddenSize());
        return Embedding.embedding(p.selected, flat, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * @param batch inputs: each sequence minus its last token, right-padded
     * @param selected [N] flat indices (row·length + t) of the positions whose target is a response token
     * @param targets [N] those targets
     * @param rowIndex [B, maxN]: row b's positions in the flat [N] (its n_b response tokens; padded with
     *     its first position)
     * @param rowWeights [B, maxN]: 1/n_b for row b's own positions, 0 for padding — linear in the batch
     *     (a [B, N] averaging matrix would grow with its square)
     */
    private record Prepared(
            CausalLm.Batch batch, NDArray selected, NDArray targets, NDArray rowIndex, NDArray rowWeights) {}

    private Prepared prepare(NDManager m, List<Example> examples) {
        int rows = examples.size();
        int[][] inputs = new int[rows][];
        int[] lengths = new int[rows];
        int[] promptLen = new int[rows];
        int[][] full = new int[rows][];
        int total = 0;
        for (int b = 0; b < rows; b++) {
            full[b] = sequence(examples.get(b), b);
            promptLen[b] = full[b].length - examples.get(b).response().length;
            inputs[b] = Arrays.copyOf(full[b], full[b].length - 1);
            lengths[b] = inputs[b].length;
            total += full[b].length - Math.max(promptLen[b], 1);
        }
        CausalLm.Batch batch = CausalLm.Batch.rightPadded(inputs, lengths, lm.config());
        int len = batch.length();
        long[] selected = new long[total];
        long[] targets = new long[total];
        int maxN = 0;
        for (int b = 0; b < rows; b++) {
            maxN = Math.max(maxN, full[b].length - Math.max(promptLen[b], 1));
        }
        long[] rowIndex = new long[rows * maxN];
        float[] weights = new float[rows * maxN];
        int k = 0;
        for (int b = 0; b < rows; b++) {
            int first = Math.max(promptLen[b], 1) - 1;
            int n = full[b].length - 1 - first;
            int start = k;
            for (int t = first; t < lengths[b]; t++) {
                selected[k] = (long) b * len + t;
                targets[k] = full[b][t + 1];
                k++;
            }
            for (int j = 0; j < maxN; j++) {
                rowIndex[b * maxN + j] = j < n ? start + j : start;
                weights[b * maxN + j] = j < n ? 1f / n : 0f;
            }
        }
        return new Prepared(
                batch,
                Tensors.longs(m, selected, new Shape(total)),
                Tensors.longs(m, targets, new Shape(total)),
                Tensors.longs(m, rowIndex, new Shape(rows, maxN)),
                Tensors.floats(m, weights, new Shape(rows, maxN)));
    }

    /** prompt ++ response, checked, truncated on the left when the options say so. */
    private int[] sequence(Example e, int index) {
        if (e.prompt().length < 1) {
            throw new IllegalArgumentException(
                    "example " + index + " has an empty prompt; it needs at least one token (e.g. BOS)");
        }
        if (e.response().length < 1) {
            throw new IllegalArgumentException("example " + index + " has an empty response");
        }
        int[] s = Arrays.copyOf(e.prompt(), e.prompt().length + e.response().length);
        System.arraycopy(e.response(), 0, s, e.prompt().length, e.response().length);
        int max = lm.config().maxPositions() + 1;
        if (s.length > max) {
            if (options.overflow() == Overflow.ERROR) {
                throw new IllegalArgumentException("example " + index + " has " + s.length + " tokens ("
                        + e.prompt().length + " prompt + " + e.response().length
                        + " response); the model's context takes "
                        + max + " (set overflow: truncate_left to cut the prompt's start)");
            }
            s = Arrays.copyOfRange(s, s.length - max, s.length);
        }
        return s;
    }

    @FunctionalInterface
    private interface BatchFn {
        float[] apply(NDManager m, List<Example> batch);
    }

    /** Runs {@code fn} over length-sorted batches and puts the results back in input order. */
    private double[] perBatch(List<Example> examples, BatchFn fn) {
        Integer[] order = IntStream.range(0, examples.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(
                order,
                Comparator.comparingInt(
                        i -> -(examples.get(i).prompt().length + examples.get(i).response().length)));
        double[] out = new double[examples.size()];
        for (int start = 0; start < order.length; start += options.batchSize()) {
            int end = Math.min(order.length, start + options.batchSize());
            List<Example> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(examples.get(order[i]));
            }
            float[] r;
            try (NDManager m = lm.manager().newSubManager()) {
                r = fn.apply(m, batch);
            } catch (IllegalArgumentException e) {
                throw renumber(e, order, start);
            }
            for (int i = start; i < end; i++) {
                out[order[i]] = r[i - start];
            }
        }
        return out;
    }

    /** The message of a batch-level error names the example by its index in the caller's list. */
    private static IllegalArgumentException renumber(IllegalArgumentException e, Integer[] order, int start) {
        String msg = String.valueOf(e.getMessage());
        java.util.regex.Matcher mt =
                java.util.regex.Pattern.compile("^(example|sequence) (\\d+)").matcher(msg);
        if (mt.find()) {
            int original = order[start + Integer.parseInt(mt.group(2))];
            return new IllegalArgumentException("example " + original + msg.substring(mt.end()), e);
        }
        return e;
    }
}
