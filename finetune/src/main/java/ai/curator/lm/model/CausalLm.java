package ai.curator.lm.model;

import ai.curator.api.Generator;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.ModelConfig.Architecture;
import ai.curator.lm.tokenize.Tokenizer;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only transformer on DJL's PyTorch engine, built from a {@link Checkpoint}: the Llama
 * family (RMSNorm, rotary position embeddings in Hugging Face's rotate-half order, grouped-query
 * attention, SwiGLU, tied or untied output layer; Qwen2 = Llama with q/k/v biases) and GPT-2
 * (learned positions, LayerNorm, {@code gelu_new}, fused {@code c_attn}). The forward pass follows
 * {@code transformers}' {@code LlamaForCausalLM} and {@code GPT2LMHeadModel} operation for
 * operation, in fp32.
 *
 * <p>Written as plain NDArray functions, not DJL blocks: fewer layers per operation, and the frozen
 * weights are ordinary arrays copied from the checkpoint once. Every projection is a {@link
 * Projection} whose optional {@link Projection.Delta} is the hook of a low-rank adapter; the pass
 * records gradients under DJL's {@code GradientCollector} for whatever such deltas (or the caller)
 * mark as requiring them.
 *
 * <p>Inputs are batches of rows padded to one length ({@link Batch}): each token carries its own
 * position and a flag saying whether it is padding, which no query may attend to. Not thread-safe;
 * close it to free the weights.
 */
public final class CausalLm implements AutoCloseable {
    /** Added to the attention scores of keys a query may not see (finite, so a fully masked padding row stays finite). */
    static final float MASKED = -1e30f;

    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final String chatTemplate;
    private final String source;
    private final NDManager manager;
    private final NDArray embed;
    private final NDArray positionEmbed;
    private final NDArray headWeight;
    private final NDArray finalNormWeight;
    private final NDArray finalNormBias;
    private final NDArray cos;
    private final NDArray sin;
    /** rotate_half as a [headDim, headDim] matrix of 0 and ±1: x·R = (−x₂, x₁), exactly. */
    private final NDArray rotateHalf;

    private final NDArray attentionScale;
    private final NDArray eps;
    private final NDArray half;
    private final NDArray one;
    private final NDArray geluCubic;
    private final NDArray geluScale;
    private final Layer[] layers;
    private final Map<String, Projection> projections;
    /** Every weight array under its checkpoint name (Conv1D weights held transposed, [out, in]). */
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    /** Names in {@link #weights} whose checkpoint layout is the transpose (GPT-2's Conv1D). */
    private final java.util.Set<String> transposed = new java.util.HashSet<>();

    /** One decoder block; GPT-2 has {@code qkv} and {@code up}/{@code down} (c_fc, c_proj), Llama q, k, v, gate, up, down. */
    private record Layer(
            NDArray norm1,
            NDArray norm1Bias,
            NDArray norm2,
            NDArray norm2Bias,
            Projection q,
            Projection k,
            Projection v,
            Projection qkv,
            Projection o,
            Projection gate,
            Projection up,
            Projection down) {}

    private CausalLm(Checkpoint ckpt, Device device) {
        Torch.engine();
        this.config = ckpt.config();
        this.tokenizer = ckpt.tokenizer();
        this.chatTemplate = ckpt.chatTemplate();
        this.source = ckpt.source() == null ? "checkpoint" : ckpt.source();
        this.manager =
                device == null ? NDManager.newBaseManager("PyTorch") : NDManager.newBaseManager(device, "PyTorch");
        boolean ok = false;
        try {
            ModelConfig c = config;
            int h = c.hiddenSize();
            Map<String, Projection> projs = new LinkedHashMap<>();
            layers = new Layer[c.numLayers()];
            half = Tensors.scalar(manager, 0.5f);
            one = Tensors.scalar(manager, 1f);
            geluCubic = Tensors.scalar(manager, 0.044715f);
            geluScale = Tensors.scalar(manager, (float) Math.sqrt(2 / Math.PI));
            eps = Tensors.scalar(manager, (float) c.normEps());
            attentionScale = Tensors.scalar(manager, (float) (1 / Math.sqrt(c.headDim())));
            if (c.architecture() == Architecture.LLAMA) {
                embed = weight(ckpt, "model.embed_tokens.weight", c.vocabSize(), h);
                positionEmbed = null;
                for (int l = 0; l < c.numLayers(); l++) {
                    String p = "model.layers." + l + ".";
                    int kv = c.numKvHeads() * c.headDim();
                    layers[l] = new Layer(
                            weight(ckpt, p + "input_layernorm.weight", h),
                            null,
                            weight(ckpt, p + "post_attention_layernorm.weight", h),
                            null,
                            linear(ckpt, projs, p + "self_attn.q_proj", h, h, c.attentionBias(), false),
                            linear(ckpt, projs, p + "self_attn.k_proj", kv, h, c.attentionBias(), false),
                            linear(ckpt, projs, p + "self_attn.v_proj", kv, h, c.attentionBias(), false),
                            null,
                            linear(ckpt, projs, p + "self_attn.o_proj", h, h, false, false),
                            linear(ckpt, projs, p + "mlp.gate_proj", c.intermediateSize(), h, false, false),
                            linear(ckpt, projs, p + "mlp.up_proj", c.intermediateSize(), h, false, false),
                            linear(ckpt, projs, p + "mlp.down_proj", h, c.intermediateSize(), false, false));
                }
                finalNormWeight = weight(ckpt, "model.norm.weight", h);
                finalNormBias = null;
                headWeight = c.tieWordEmbeddings() ? embed : weight(ckpt, "lm_head.weight", c.vocabSize(), h);
                NDArray[] tables = rotaryTables(manager, c.maxPositions(), c.headDim(), c.ropeTheta());
                cos = tables[0];
                sin = tables[1];
                rotateHalf = rotateHalfMatrix(manager, c.headDim());
            } else {
                embed = weight(ckpt, "transformer.wte.weight", c.vocabSize(), h);
                positionEmbed = weight(ckpt, "transformer.wpe.weight", c.maxPositions(), h);
                for (int l = 0; l < c.numLayers(); l++) {
                    String p = "transformer.h." + l + ".";
                    layers[l] = new Layer(
                            weight(ckpt, p + "ln_1.weight", h),
                            weight(ckpt, p + "ln_1.bias", h),
                            weight(ckpt, p + "ln_2.weight", h),
                            weight(ckpt, p + "ln_2.bias", h),
                            null,
                            null,
                            null,
                            linear(ckpt, projs, p + "attn.c_attn", 3 * h, h, true, true),
                            linear(ckpt, projs, p + "attn.c_proj", h, h, true, true),
                            null,
                            linear(ckpt, projs, p + "mlp.c_fc", c.intermediateSize(), h, true, true),
                            linear(ckpt, projs, p + "mlp.c_proj", h, c.intermediateSize(), true, true));
                }
                finalNormWeight = weight(ckpt, "transformer.ln_f.weight", h);
                finalNormBias = weight(ckpt, "transformer.ln_f.bias", h);
                headWeight = !c.tieWordEmbeddings() && ckpt.tensors().containsKey("lm_head.weight")
                        ? weight(ckpt, "lm_head.weight", c.vocabSize(), h)
                        : embed;
                cos = null;
                sin = null;
                rotateHalf = null;
            }
            projections = Collections.unmodifiableMap(projs);
            ok = true;
        } finally {
            if (!ok) {
                manager.close();
            }
        }
    }

    /** The model of {@code checkpoint} on the CPU. */
    public static CausalLm load(Checkpoint checkpoint) {
        return new CausalLm(checkpoint, null);
    }

    /**
     * The model of {@code checkpoint} on {@code device} (a CUDA device needs DJL's CUDA native jar).
     *
     * @throws IllegalArgumentException naming the tensor when one is missing or has the wrong shape
     */
    public static CausalLm load(Checkpoint checkpoint, Device device) {
        return new CausalLm(checkpoint, device);
    }

    /** The model's shape. */
    public ModelConfig config() {
        return config;
    }

    /** The checkpoint's tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The checkpoint's Jinja chat template, or null. */
    public String chatTemplate() {
        return chatTemplate;
    }

    /** Where the checkpoint came from. */
    public String source() {
        return source;
    }

    /** The manager holding the weights (the parent of every pass's temporary arrays). */
    public NDManager manager() {
        return manager;
    }

    /**
     * The projections by Hugging Face module name ({@code model.layers.N.self_attn.q_proj}, …, {@code
     * transformer.h.N.attn.c_attn}, …), in layer order: where a low-rank adapter attaches.
     */
    public Map<String, Projection> projections() {
        return projections;
    }

    /**
     * Every weight array under its checkpoint name, in load order (a tied output layer appears
     * once, as the embedding): the parameters of full fine-tuning. GPT-2's Conv1D weights are held
     * transposed, [out, in]. The arrays are the model's own: marking them as requiring gradients
     * or updating them in place changes the model.
     */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(weights);
    }

    /**
     * The current weights as a checkpoint (names and layouts of the loaded one, Conv1D weights
     * transposed back to [in, out]), e.g. to save a fully fine-tuned model with {@code
     * HfCheckpointWriter}.
     */
    public Checkpoint toCheckpoint() {
        Map<String, Checkpoint.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray w = e.getValue();
            long[] shape = w.getShape().getShape();
            float[] data = w.toFloatArray();
            if (transposed.contains(e.getKey())) {
                int o = (int) shape[0];
                int in = (int) shape[1];
                float[] tr = new float[data.length];
                for (int r = 0; r < o; r++) {
                    for (int c = 0; c < in; c++) {
                        tr[c * o + r] = data[r * in + c];
                    }
                }
                data = tr;
                shape = new long[] {in, o};
            }
            out.put(e.getKey(), new Checkpoint.Tensor(shape, data));
        }
        return new Checkpoint(config, out, tokenizer, chatTemplate, source);
    }

    /** The output layer's weight [vocab, hidden] (the input embedding when tied). */
    public NDArray headWeight() {
        return headWeight;
    }

    /** A cache for {@code rows} rows, to pass to {@link #hidden} pass after pass. */
    public KvCache newCache(int rows) {
        return new KvCache(manager, layers.length, rows);
    }

    /**
     * Logits of one unpadded sequence.
     *
     * @param tokens ids in {@code [0, vocab)}, 1 to {@code maxPositions} of them
     * @return [tokens.length][vocab]: row t scores the token after {@code tokens[t]}
     */
    public float[][] logits(int[] tokens) {
        try (NDManager m = manager.newSubManager()) {
            float[] flat = forward(m, Batch.rightPadded(new int[][] {tokens}, new int[] {tokens.length}, config))
                    .toFloatArray();
            float[][] out = new float[tokens.length][];
            for (int t = 0; t < tokens.length; t++) {
                out[t] = Arrays.copyOfRange(flat, t * config.vocabSize(), (t + 1) * config.vocabSize());
            }
            return out;
        }
    }

    /**
     * Logits of a padded batch, without a cache.
     *
     * @param m where the result (and every temporary) is attached
     * @return [rows, length, vocab]
     */
    public NDArray forward(NDManager m, Batch batch) {
        return head(hidden(m, batch, null));
    }

    /** The output layer on final hidden states [..., hidden] → [..., vocab]. */
    public NDArray head(NDArray hidden) {
        return ai.djl.nn.core.Linear.linear(hidden, headWeight).singletonOrThrow();
    }

    /**
     * Greedy or sampled continuations of each prompt, batched, with a KV cache; see {@link Decoder}.
     *
     * @param prompts token ids (BOS included when the model wants it)
     */
    public List<Decoder.Output> generate(List<int[]> prompts, Generator.Settings settings) {
        return new Decoder(this, true).generate(prompts, settings);
    }

    /**
     * The final hidden states (after the last norm) of a batch.
     *
     * @param m where the result and temporaries are attached
     * @param batch the new tokens of each row
     * @param cache the keys and values of earlier tokens, extended by this pass; null for none
     * @return [rows, length, hidden]
     */
    public NDArray hidden(NDManager m, Batch batch, KvCache cache) {
        ModelConfig c = config;
        int rows = batch.rows();
        int len = batch.length();
        if (cache != null && cache.rows != rows) {
            throw new IllegalArgumentException("the cache holds " + cache.rows + " rows, the batch " + rows);
        }
        int past = cache == null ? 0 : cache.length;
        for (int[] row : batch.positions()) {
            for (int p : row) {
                if (p >= c.maxPositions()) {
                    throw new IllegalArgumentException(
                            "position " + p + " is past the model's context of " + c.maxPositions() + " tokens");
                }
            }
        }
        NDArray ids = Tensors.longs(m, flatten(batch.ids()), new Shape(rows, len));
        NDArray pos = Tensors.longs(m, flatten(batch.positions()), new Shape(rows, len));
        float[] maskValues = mask(batch.valid(), cache, past);
        // Nothing hidden (one new token per row, no padding: cached decoding of one prompt): no mask.
        NDArray mask =
                allZero(maskValues) ? null : Tensors.floats(m, maskValues, new Shape(rows, 1, 1, len, past + len));
        NDArray x = Embedding.embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow();
        NDArray cosB = null;
        NDArray sinB = null;
        if (c.architecture() == Architecture.GPT2) {
            x = x.add(
                    Embedding.embedding(pos, positionEmbed, SparseFormat.DENSE).singletonOrThrow());
        } else {
            cosB = Embedding.embedding(pos, cos, SparseFormat.DENSE)
                    .singletonOrThrow()
                    .reshape(rows, len, 1, c.headDim());
            sinB = Embedding.embedding(pos, sin, SparseFormat.DENSE)
                    .singletonOrThrow()
                    .reshape(rows, len, 1, c.headDim());
        }
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            if (c.architecture() == Architecture.GPT2) {
                NDArray h = layerNorm(x, layer.norm1, layer.norm1Bias);
                NDList qkv = layer.qkv.apply(h).split(3, 2);
                NDArray q = qkv.get(0).reshape(rows, len, c.numHeads(), c.headDim());
                NDArray k = qkv.get(1).reshape(rows, len, c.numHeads(), c.headDim());
                NDArray v = qkv.get(2).reshape(rows, len, c.numHeads(), c.headDim());
                x = x.add(layer.o.apply(attention(l, q, k, v, mask, cache)));
                h = layerNorm(x, layer.norm2, layer.norm2Bias);
                x = x.add(layer.down.apply(geluTanh(layer.up.apply(h))));
            } else {
                NDArray h = rmsNorm(x, layer.norm1);
                NDArray q = rope(layer.q.apply(h).reshape(rows, len, c.numHeads(), c.headDim()), cosB, sinB);
                NDArray k = rope(layer.k.apply(h).reshape(rows, len, c.numKvHeads(), c.headDim()), cosB, sinB);
                NDArray v = layer.v.apply(h).reshape(rows, len, c.numKvHeads(), c.headDim());
                x = x.add(layer.o.apply(attention(l, q, k, v, mask, cache)));
                h = rmsNorm(x, layer.norm2);
                NDArray g = layer.gate.apply(h);
                x = x.add(layer.down.apply(g.mul(Activation.sigmoid(g)).mul(layer.up.apply(h))));
            }
        }
        if (cache != null) {
            cache.append(batch.valid());
        }
        return c.architecture() == Architecture.GPT2
                ? layerNorm(x, finalNormWeight, finalNormBias)
                : rmsNorm(x, finalNormWeight);
    }

    /**
     * Scaled dot-product attention of q [B, T, H, D] over k, v [B, T, Hkv, D] (and the cache), the
     * query heads grouped over the key/value heads without copying k and v: q becomes [B, Hkv, G·T,
     * D] (G = H / Hkv query heads per key/value head) against keys kept transposed, [B, Hkv, D, S], so
     * one matrix product serves every group.
     *
     * @param mask [B, 1, 1, T, S] added to the scores, or null when nothing is hidden
     * @return [B, T, H·D]
     */
    private NDArray attention(int layer, NDArray q, NDArray k, NDArray v, NDArray mask, KvCache cache) {
        ModelConfig c = config;
        long rows = q.getShape().get(0);
        long len = q.getShape().get(1);
        int kvHeads = c.architecture() == Architecture.GPT2 ? c.numHeads() : c.numKvHeads();
        int group = c.numHeads() / kvHeads;
        NDArray kT = k.transpose(0, 2, 3, 1); // [B, Hkv, D, T]
        NDArray vt = v.transpose(0, 2, 1, 3); // [B, Hkv, T, D]
        if (cache != null) {
            if (cache.keys[layer] != null) {
                kT = cache.keys[layer].concat(kT, 3);
                vt = cache.values[layer].concat(vt, 2);
            }
            cache.put(layer, kT, vt);
        }
        long keys = kT.getShape().get(3);
        NDArray qt = q.mul(attentionScale).transpose(0, 2, 1, 3).reshape(rows, kvHeads, group * len, c.headDim());
        NDArray scores = qt.matMul(kT); // [B, Hkv, G·T, S]
        if (mask != null) {
            scores =
                    scores.reshape(rows, kvHeads, group, len, keys).add(mask).reshape(rows, kvHeads, group * len, keys);
        }
        NDArray out = scores.softmax(-1).matMul(vt); // [B, Hkv, G·T, D]
        return out.reshape(rows, c.numHeads(), len, c.headDim())
                .transpose(0, 2, 1, 3)
                .reshape(rows, len, (long) c.numHeads() * c.headDim());
    }

    /**
     * Hugging Face's rotary embedding: {@code x·cos + rotate_half(x)·sin}, rotate_half(x) = (−x₂, x₁),
     * taken as one product with a matrix of 0 and ±1 (exact: each output is one input, sign flipped
     * or not) — four tensor operations where slicing, negating and concatenating take six.
     */
    private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }

    /** R with x·R = rotate_half(x) = (−x[d/2..d), x[0..d/2)) for x of width {@code dim}. */
    static NDArray rotateHalfMatrix(NDManager m, int dim) {
        int half = dim / 2;
        float[] r = new float[dim * dim];
        for (int j = 0; j < half; j++) {
            r[(j + half) * dim + j] = -1f; // output j < d/2 takes −x[j + d/2]
            r[j * dim + j + half] = 1f; // output j + d/2 takes x[j]
        }
        return Tensors.floats(m, r, new Shape(dim, dim));
    }

    private static boolean allZero(float[] a) {
        for (float v : a) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }

    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), weight, bias, (float) config.normEps())
                .singletonOrThrow();
    }

    /** GPT-2's {@code gelu_new}: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    private NDArray geluTanh(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(geluCubic).add(x).mul(geluScale);
        return x.mul(half).mul(inner.tanh().add(one));
    }

    /** cos and sin [maxPositions, headDim] of Hugging Face's default rotary embedding (halves repeated). */
    static NDArray[] rotaryTables(NDManager m, int positions, int dim, double theta) {
        float[] cosV = new float[positions * dim];
        float[] sinV = new float[positions * dim];
        int halfDim = dim / 2;
        // Hugging Face computes inv_freq and the angle in fp32; so do we, for the same rounding.
        float[] invFreq = new float[halfDim];
        for (int i = 0; i < halfDim; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / dim));
        }
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < halfDim; i++) {
                float angle = (float) p * invFreq[i];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                cosV[p * dim + i] = cv;
                cosV[p * dim + i + halfDim] = cv;
                sinV[p * dim + i] = sv;
                sinV[p * dim + i + halfDim] = sv;
            }
        }
        return new NDArray[] {
            Tensors.floats(m, cosV, new Shape(positions, dim)), Tensors.floats(m, sinV, new Shape(positions, dim))
        };
    }

    /** The additive mask [B, 1, 1, T, past + T]: key j visible to new token i when j ≤ past + i and j is no padding. */
    private static float[] mask(boolean[][] valid, KvCache cache, int past) {
        int rows = valid.length;
        int len = valid[0].length;
        int keys = past + len;
        float[] out = new float[rows * len * keys];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < len; i++) {
                int base = (b * len + i) * keys;
                for (int j = 0; j < keys; j++) {
                    boolean real = j < past ? cache.valid[b][j] : valid[b][j - past];
                    out[base + j] = real && j <= past + i ? 0f : MASKED;
                }
            }
        }
        return out;
    }

    private static long[] flatten(int[][] a) {
        int len = a[0].length;
        long[] out = new long[a.length * len];
        for (int b = 0; b < a.length; b++) {
            for (int t = 0; t < len; t++) {
                out[b * len + t] = a[b][t];
            }
        }
        return out;
    }

    private NDArray weight(Checkpoint ckpt, String name, long... shape) {
        Checkpoint.Tensor t = ckpt.tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(source + ": tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", the config needs " + Arrays.toString(shape));
        }
        NDArray w = Tensors.floats(manager, t.data(), new Shape(shape));
        weights.put(name, w);
        return w;
    }

    /**
     * A projection {@code name} [out, in]; {@code conv1d}: GPT-2's Conv1D stores [in, out], transposed
     * here.
     */
    private Projection linear(
            Checkpoint ckpt, Map<String, Projection> into, String name, int out, int in, boolean bias, boolean conv1d) {
        NDArray w;
        if (conv1d) {
            Checkpoint.Tensor t = ckpt.tensor(name + ".weight");
            if (!Arrays.equals(t.shape(), new long[] {in, out})) {
                throw new IllegalArgumentException(source + ": tensor '" + name + ".weight' has shape "
                        + Arrays.toString(t.shape()) + ", the config needs " + Arrays.toString(new long[] {in, out})
                        + " (Conv1D: [in, out])");
            }
            float[] src = t.data();
            float[] tr = new float[src.length];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    tr[o * in + i] = src[i * out + o];
                }
            }
            w = Tensors.floats(manager, tr, new Shape(out, in));
            weights.put(name + ".weight", w);
            transposed.add(name + ".weight");
        } else {
            w = weight(ckpt, name + ".weight", out, in);
        }
        NDArray b = bias ? weight(ckpt, name + ".bias", out) : null;
        Projection p = new Projection(name, w, b);
        into.put(name, p);
        return p;
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * The tokens of one pass: {@code rows} rows of equal length, each token with its position and a
     * flag saying whether it is a real token (padding is never attended to).
     *
     * @param ids [rows][length] token ids in {@code [0, vocab)} (padding: any valid id)
     * @param positions [rows][length] positions in {@code [0, maxPositions)}
     * @param valid [rows][length] false for padding
     */
    public record Batch(int[][] ids, int[][] positions, boolean[][] valid) {
        public Batch {
            if (ids.length == 0 || ids[0].length == 0) {
                throw new IllegalArgumentException("a batch needs at least one row and one token");
            }
            if (positions.length != ids.length || valid.length != ids.length) {
                throw new IllegalArgumentException("ids, positions and valid need the same number of rows");
            }
            for (int b = 0; b < ids.length; b++) {
                if (ids[b].length != ids[0].length
                        || positions[b].length != ids[0].length
                        || valid[b].length != ids[0].length) {
                    throw new IllegalArgumentException("row " + b + " of the batch is not " + ids[0].length + " long");
                }
            }
        }

        /** Rows. */
        public int rows() {
            return ids.length;
        }

        /** Tokens per row. */
        public int length() {
            return ids[0].length;
        }

        /**
         * Sequences padded on the right (positions 0, 1, …; tokens past {@code lengths[b]} are padding).
         *
         * @throws IllegalArgumentException naming the row when a token is out of the vocabulary or a
         *     sequence is longer than the context
         */
        public static Batch rightPadded(int[][] tokens, int[] lengths, ModelConfig config) {
            int len = 0;
            for (int b = 0; b < tokens.length; b++) {
                check(tokens[b], lengths[b], b, config);
                len = Math.max(len, lengths[b]);
            }
            int[][] ids = new int[tokens.length][len];
            int[][] pos = new int[tokens.length][len];
            boolean[][] valid = new boolean[tokens.length][len];
            for (int b = 0; b < tokens.length; b++) {
                System.arraycopy(tokens[b], 0, ids[b], 0, lengths[b]);
                for (int t = 0; t < len; t++) {
                    pos[b][t] = t;
                    valid[b][t] = t < lengths[b];
                }
            }
            return new Batch(ids, pos, valid);
        }

        /** Sequences padded on the left, each row's positions counting from 0 at its first real token. */
        public static Batch leftPadded(List<int[]> tokens, ModelConfig config) {
            int len = 0;
            for (int b = 0; b < tokens.size(); b++) {
                check(tokens.get(b), tokens.get(b).length, b, config);
                len = Math.max(len, tokens.get(b).length);
            }
            int[][] ids = new int[tokens.size()][len];
            int[][] pos = new int[tokens.size()][len];
            boolean[][] valid = new boolean[tokens.size()][len];
            for (int b = 0; b < tokens.size(); b++) {
                int[] row = tokens.get(b);
                int pad = len - row.length;
                System.arraycopy(row, 0, ids[b], pad, row.length);
                for (int t = pad; t < len; t++) {
                    pos[b][t] = t - pad;
                    valid[b][t] = true;
                }
            }
            return new Batch(ids, pos, valid);
        }

        private static void check(int[] tokens, int length, int row, ModelConfig config) {
            if (length < 1 || length > tokens.length) {
                throw new IllegalArgumentException("sequence " + row + " has length " + length + " of " + tokens.length
                        + " tokens; it needs 1 to " + tokens.length);
            }
            if (length > config.maxPositions()) {
                throw new IllegalArgumentException("sequence " + row + " has " + length
                        + " tokens, more than the model's context of " + config.maxPositions());
            }
            for (int t = 0; t < length; t++) {
                if (tokens[t] < 0 || tokens[t] >= config.vocabSize()) {
                    throw new IllegalArgumentException("sequence " + row + " has token id " + tokens[t] + " at " + t
                            + ", outside the vocabulary [0, " + config.vocabSize() + ")");
                }
            }
        }
    }
}
