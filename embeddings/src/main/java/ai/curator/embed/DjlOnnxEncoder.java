package ai.curator.embed;

import ai.curator.api.Encoder;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * BERT-family sentence encoder running an ONNX graph on DJL's ONNX Runtime engine, tokenising with
 * DJL's HuggingFace tokenizer (Rust, batch-parallel).
 *
 * <p>Per call: prefix → tokenize (truncating to the max length) → sort by token count → batches of
 * similar length, padded only to their own longest text → ONNX Runtime → pooling over the attention
 * mask in Java (ORT NDArrays implement no {@code mul}/{@code sum}) → L2 normalisation → results
 * back in input order. Sorting keeps padding small, which matters twice: padded tokens cost as
 * much compute as real ones, and int8 models quantise activations per tensor, so padding shifts
 * their outputs slightly.
 *
 * <p>Thread-safe: ONNX Runtime sessions and the tokenizer allow concurrent calls.
 *
 * <p>Construct it before any LangChain4j in-process model in the same JVM: both use one
 * process-wide {@code OrtEnvironment}, and DJL cannot configure one that LangChain4j created
 * (see {@link #initEngine()}).
 */
public final class DjlOnnxEncoder implements Encoder {

    private static final System.Logger LOG = System.getLogger(DjlOnnxEncoder.class.getName());
    private static final String ENGINE = "OnnxRuntime";

    private final ModelSpec spec;
    private final EncoderOptions options;
    private final int maxLength;
    private final int batchSize;
    private final String documentPrefix;
    private final Model model;
    private final Block block;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean hasTokenTypeIds;
    private final String modelHash;
    private final int concurrentBatches;
    private final int intraOpThreads;
    private SessionOptions sessionOptions;
    private final String device;
    private final ExecutorService pool;
    private volatile int dimension;

    private DjlOnnxEncoder(ModelSpec spec, EncoderOptions options) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.options = Objects.requireNonNull(options, "options");
        this.maxLength = options.maxLength() == 0 ? spec.maxLength() : options.maxLength();
        this.batchSize = options.batchSize() == 0 ? spec.defaultBatchSize() : options.batchSize();
        this.documentPrefix = options.documentPrefix() == null ? spec.documentPrefix() : options.documentPrefix();
        this.dimension = spec.dimension();
        initEngine();

        Path onnx;
        Path tokenizerFile;
        String hash;
        if (spec.bundled()) {
            ModelCache cache =
                    options.cacheDir() == null ? ModelCache.defaultCache() : new ModelCache(options.cacheDir());
            ModelCache.Entry m = cache.materialize(spec.onnxResource(), spec.mavenArtifact());
            ModelCache.Entry t = cache.materialize(spec.tokenizerResource(), spec.mavenArtifact());
            onnx = m.file();
            tokenizerFile = t.file();
            hash = m.sha256();
        } else {
            onnx = spec.onnxFile();
            tokenizerFile = spec.tokenizerFile();
            hash = null;
        }
        this.modelHash = hash;

        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerFile)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optPadding(false)
                    .optMaxLength(maxLength)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new ModelException(
                    "Cannot load tokenizer " + tokenizerFile + " of model '" + spec.name() + "': " + e.getMessage(), e);
        }

        OrtNative.load(); // before anything touches ONNX Runtime: its unpacked libraries are removed at exit
        int cores = Runtime.getRuntime().availableProcessors();
        this.concurrentBatches = options.concurrentBatches() != 0
                ? options.concurrentBatches()
                : batchSize == 1 ? cores : 1; // one-text calls: side by side, one thread each (EncoderOptions)
        int threads = options.intraOpThreads() == 0 ? Math.max(1, cores / concurrentBatches) : options.intraOpThreads();
        this.intraOpThreads = threads;
        String requested = options.device();
        Integer cuda = null;
        if (!requested.equals("cpu")) {
            java.util.EnumSet<OrtProvider> providers;
            try {
                providers = OrtEnvironment.getAvailableProviders();
            } catch (RuntimeException | LinkageError e) {
                providers = java.util.EnumSet.of(OrtProvider.CPU);
            }
            if (providers.contains(OrtProvider.CUDA)) {
                cuda = requested.startsWith("cuda:") ? Integer.parseInt(requested.substring(5)) : 0;
            } else if (requested.startsWith("cuda")) {
                tokenizer.close();
                throw new ModelException("device: " + requested + " needs ONNX Runtime's GPU package on the class path"
                        + " (this one has providers " + providers + "): build with 'mvn -Pgpu' (README, 'GPU'),"
                        + " with CUDA 12 and cuDNN 9 installed, or use device: auto / cpu");
            }
        }
        Model m;
        String used;
        try {
            try {
                m = loadModel(onnx, threads, cuda);
                used = cuda == null ? "cpu" : "cuda:" + cuda;
            } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
                if (cuda == null || !requested.equals("auto")) {
                    throw e;
                }
                LOG.log(
                        Level.WARNING,
                        "{0}: ONNX Runtime lists CUDA but could not use it ({1}); running on the CPU",
                        spec.name(),
                        e.getMessage());
                m = loadModel(onnx, threads, null);
                used = "cpu";
            }
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            tokenizer.close();
            String hint = cuda != null
                    ? " (device " + requested + ": ONNX Runtime 1.20's CUDA provider needs CUDA 12 and cuDNN 9;"
                            + " device: cpu runs without them)"
                    : "";
            throw new ModelException(
                    "Cannot load ONNX model " + onnx + " of model '" + spec.name() + "': " + e.getMessage() + hint, e);
        }
        this.device = used;
        this.model = m;
        this.block = m.getBlock();
        List<String> inputs = block.describeInput().keys();
        if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
            close();
            throw new ModelException("ONNX model " + onnx + " has inputs " + inputs
                    + "; a BERT-family encoder needs input_ids and attention_mask (and optionally token_type_ids).");
        }
        this.hasTokenTypeIds = inputs.contains("token_type_ids");
        this.pool = concurrentBatches > 1
                ? Executors.newFixedThreadPool(concurrentBatches, r -> {
                    Thread t = new Thread(r, "curator-embed-" + spec.name());
                    t.setDaemon(true);
                    return t;
                })
                : null;
        for (String in : inputs) {
            if (!in.equals("input_ids") && !in.equals("attention_mask") && !in.equals("token_type_ids")) {
                close();
                throw new ModelException("ONNX model " + onnx + " has an unsupported input '" + in + "' (inputs "
                        + inputs + "); supported: input_ids, attention_mask, token_type_ids.");
            }
        }
    }

    /** A DJL model on ONNX Runtime with our session options; on CUDA device {@code cuda} unless null. */
    private Model loadModel(Path onnx, int threads, Integer cuda)
            throws IOException, MalformedModelException, OrtException {
        Model m = Model.newInstance(spec.name(), Device.cpu(), ENGINE);
        SessionOptions so = null;
        try {
            // Our own SessionOptions: DJL 0.32's string options apply intraOpNumThreads only when
            // interOpNumThreads is also given, and cannot switch spinning off.
            so = new SessionOptions();
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            // Spinning workers burn a core while waiting; on a shared 2-core box that starves the
            // thread they wait for.
            so.addConfigEntry("session.intra_op.allow_spinning", options.spinning() ? "1" : "0");
            if (cuda != null) {
                so.addCUDA(cuda);
            }
            m.load(onnx, null, Map.of("sessionOptions", so));
            sessionOptions = so;
            return m;
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            m.close();
            if (so != null) {
                so.close();
            }
            throw e;
        }
    }

    /**
     * Opens a bundled model by name or a local model directory, with default options.
     *
     * @param nameOrDir see {@link ModelRegistry#resolve(String)}
     * @return the encoder
     * @throws EmbeddingException if the model is unknown or cannot be loaded
     */
    public static DjlOnnxEncoder open(String nameOrDir) {
        return open(ModelRegistry.resolve(nameOrDir), EncoderOptions.defaults());
    }

    /**
     * Opens a bundled model by name or a local model directory.
     *
     * @param nameOrDir see {@link ModelRegistry#resolve(String)}
     * @param options run-time options
     * @return the encoder
     * @throws EmbeddingException if the model is unknown or cannot be loaded
     */
    public static DjlOnnxEncoder open(String nameOrDir, EncoderOptions options) {
        return open(ModelRegistry.resolve(nameOrDir), options);
    }

    /**
     * Opens a model described by a spec.
     *
     * @param spec the model
     * @param options run-time options
     * @return the encoder
     * @throws EmbeddingException if the model cannot be loaded
     */
    public static DjlOnnxEncoder open(ModelSpec spec, EncoderOptions options) {
        return new DjlOnnxEncoder(spec, options);
    }

    /**
     * Initialises DJL's ONNX Runtime engine (idempotent). Call it before creating any LangChain4j
     * in-process embedding model in the same JVM: whichever creates the process-wide
     * {@code OrtEnvironment} first wins, and DJL fails if LangChain4j was first.
     *
     * @throws EmbeddingException if the engine cannot start
     */
    public static void initEngine() {
        OrtNative.load();
        try {
            Engine.getEngine(ENGINE);
        } catch (RuntimeException | AssertionError e) {
            throw new EmbeddingException(
                    "Cannot start DJL's OnnxRuntime engine: " + e.getMessage()
                            + ". If a LangChain4j in-process embedding model was created earlier in this JVM, call"
                            + " DjlOnnxEncoder.initEngine() before it (both share one OrtEnvironment).",
                    e);
        }
    }

    @Override
    public int dimension() {
        if (dimension == 0) {
            embed(List.of("dimension probe")); // local models: learn the width from one forward pass
        }
        return dimension;
    }

    @Override
    public String id() {
        String model = spec.bundled() ? spec.name() + "@sha256:" + modelHash : spec.name();
        return model + ";pooling=" + spec.pooling() + ";max_length=" + maxLength + ";kind=" + options.kind()
                + ";prefix=\"" + prefix(options.kind()) + "\""
                + (spec.defaultBatchSize() == 1 ? ";batch=" + batchSize : "");
    }

    /**
     * Returns the model spec.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Returns the effective maximum tokens per text (special tokens included).
     *
     * @return the max length
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Returns the effective maximum texts per ONNX Runtime call.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns the ONNX Runtime intra-op threads per call.
     *
     * @return the thread count
     */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /**
     * Returns where ONNX Runtime runs the model: {@code cpu} or {@code cuda:N}.
     *
     * @return the device in use
     */
    public String device() {
        return device;
    }

    /**
     * Returns how many batches run at once.
     *
     * @return the count, {@code >= 1}
     */
    public int concurrentBatches() {
        return concurrentBatches;
    }

    /**
     * Returns whether the model takes {@code token_type_ids}.
     *
     * @return {@code true} if it does
     */
    public boolean usesTokenTypeIds() {
        return hasTokenTypeIds;
    }

    /**
     * Returns the prefix prepended to texts of a kind.
     *
     * @param kind the kind
     * @return the prefix, possibly empty
     */
    public String prefix(InputKind kind) {
        return kind == InputKind.QUERY ? spec.queryPrefix() : documentPrefix;
    }

    /** Embeds texts as the configured {@link EncoderOptions#kind()}. */
    @Override
    public float[][] embed(List<String> texts) {
        return encode(texts, options.kind()).vectors();
    }

    /**
     * Embeds texts as documents or queries.
     *
     * @param texts the texts, no {@code null} elements
     * @param kind which prefix to use
     * @return the vectors in input order
     */
    public float[][] embed(List<String> texts, InputKind kind) {
        return encode(texts, kind).vectors();
    }

    /**
     * Embeds texts and reports token counts and truncation (logged at INFO when any text was cut).
     *
     * @param texts the texts, no {@code null} elements
     * @param kind which prefix to use
     * @return vectors (input order), token counts, number of truncated texts
     * @throws IllegalArgumentException if an element is {@code null}
     */
    public Embeddings encode(List<String> texts, InputKind kind) {
        return encode(texts, kind, done -> {});
    }

    /**
     * As {@link #encode(List, InputKind)}, telling {@code progress} how many texts each finished
     * batch held (from the thread that ran it; the counts add up to {@code texts.size()}). Texts are
     * sorted by token count across the whole call, so one call on many texts pads less than several
     * calls on parts of them.
     *
     * @param progress receives the number of texts of every finished batch
     */
    public Embeddings encode(List<String> texts, InputKind kind, IntConsumer progress) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(progress, "progress");
        int n = texts.size();
        if (n == 0) {
            return new Embeddings(new float[0][], new int[0], 0);
        }
        String prefix = prefix(kind);
        String[] input = new String[n];
        for (int i = 0; i < n; i++) {
            String t = texts.get(i);
            if (t == null) {
                throw new IllegalArgumentException("texts[" + i + "] is null; pass \"\" for an empty text");
            }
            input[i] = prefix.isEmpty() ? t : prefix + t;
        }
        // Tokenise in chunks so a million-row call does not hold a million native encodings at once.
        long[][] ids = new long[n][];
        long[][] types = hasTokenTypeIds ? new long[n][] : null;
        int truncated = 0;
        final int chunk = 4096;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            Encoding[] enc = tokenizer.batchEncode(Arrays.copyOfRange(input, from, to));
            for (int i = from; i < to; i++) {
                Encoding e = enc[i - from];
                ids[i] = e.getIds();
                if (types != null) {
                    types[i] = e.getTypeIds();
                }
                if (e.exceedMaxLength()) {
                    truncated++;
                }
            }
        }
        int[] tokenCounts = new int[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            tokenCounts[i] = ids[i].length;
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));

        float[][] out = new float[n][];
        List<int[]> batches = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int end = start + 1;
            // Sorted ascending, so the last text of a batch is its longest.
            while (end < n
                    && end - start < batchSize
                    && (long) (end - start + 1) * ids[order[end]].length <= options.maxBatchTokens()) {
                end++;
            }
            batches.add(new int[] {start, end});
            start = end;
        }
        if (pool == null || batches.size() == 1) {
            for (int[] be : batches) {
                runBatch(order, be[0], be[1], ids, types, out);
                progress.accept(be[1] - be[0]);
            }
        } else {
            // Longest batches first so the last ones to finish are short.
            List<Future<?>> futures = new ArrayList<>(batches.size());
            for (int k = batches.size() - 1; k >= 0; k--) {
                int[] be = batches.get(k);
                futures.add(pool.submit(() -> {
                    runBatch(order, be[0], be[1], ids, types, out);
                    progress.accept(be[1] - be[0]);
                }));
            }
            try {
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new EmbeddingException("Interrupted while embedding with '" + spec.name() + "'", e);
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new EmbeddingException("Embedding with '" + spec.name() + "' failed: " + c, c);
            }
        }
        if (truncated > 0) {
            LOG.log(Level.INFO, "{0}: truncated {1} of {2} texts to {3} tokens", spec.name(), truncated, n, maxLength);
        }
        return new Embeddings(out, tokenCounts, truncated);
    }

    private void runBatch(Integer[] order, int start, int end, long[][] ids, long[][] types, float[][] out) {
        int b = end - start;
        int len = ids[order[end - 1]].length;
        long[] idBuf = new long[b * len];
        long[] maskBuf = new long[b * len];
        long[] typeBuf = hasTokenTypeIds ? new long[b * len] : null;
        for (int r = 0; r < b; r++) {
            int src = order[start + r];
            long[] row = ids[src];
            System.arraycopy(row, 0, idBuf, r * len, row.length);
            Arrays.fill(maskBuf, r * len, r * len + row.length, 1L);
            if (typeBuf != null) {
                System.arraycopy(types[src], 0, typeBuf, r * len, row.length);
            }
        }
        Shape shape = new Shape(b, len);
        float[] hidden;
        long[] hiddenShape;
        try (NDManager mgr = model.getNDManager().newSubManager()) {
            NDList in = new NDList(3);
            in.add(named(mgr.create(LongBuffer.wrap(idBuf), shape, DataType.INT64), "input_ids"));
            in.add(named(mgr.create(LongBuffer.wrap(maskBuf), shape, DataType.INT64), "attention_mask"));
            if (typeBuf != null) {
                in.add(named(mgr.create(LongBuffer.wrap(typeBuf), shape, DataType.INT64), "token_type_ids"));
            }
            NDList result = block.forward(new ParameterStore(mgr, false), in, false);
            NDArray last = null;
            for (NDArray a : result) {
                if (a.getShape().dimension() == 3) {
                    last = a;
                    break;
                }
            }
            if (last == null) {
                throw new EmbeddingException("ONNX model of '" + spec.name() + "' returned no [batch, tokens, hidden]"
                        + " output (got " + result.getShapes() + "); curator needs the last hidden state.");
            }
            hiddenShape = last.getShape().getShape();
            hidden = last.toFloatArray();
            result.close();
        }
        int h = (int) hiddenShape[2];
        if (hiddenShape[0] != b || hiddenShape[1] != len) {
            throw new EmbeddingException("ONNX model of '" + spec.name() + "' returned shape "
                    + Arrays.toString(hiddenShape) + " for input [" + b + ", " + len + "]");
        }
        if (dimension == 0) {
            dimension = h;
        } else if (dimension != h) {
            throw new EmbeddingException(
                    "Model '" + spec.name() + "' produced " + h + "-dimensional vectors, expected " + dimension);
        }
        for (int r = 0; r < b; r++) {
            int src = order[start + r];
            out[src] = pool(hidden, r, len, h, ids[src].length);
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /** Pools row {@code r} of a [b, len, h] buffer over its first {@code tokens} (unpadded) positions. */
    private float[] pool(float[] hidden, int r, int len, int h, int tokens) {
        float[] v = new float[h];
        int base = r * len * h;
        switch (spec.pooling()) {
            case CLS -> System.arraycopy(hidden, base, v, 0, h);
            case MEAN -> {
                // Accumulate in double: 512 tokens of fp32 sums lose digits the parity test can see.
                double[] acc = new double[h];
                for (int t = 0; t < tokens; t++) {
                    int off = base + t * h;
                    for (int j = 0; j < h; j++) {
                        acc[j] += hidden[off + j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    v[j] = (float) (acc[j] / tokens);
                }
            }
            case MAX -> {
                Arrays.fill(v, Float.NEGATIVE_INFINITY);
                for (int t = 0; t < tokens; t++) {
                    int off = base + t * h;
                    for (int j = 0; j < h; j++) {
                        v[j] = Math.max(v[j], hidden[off + j]);
                    }
                }
            }
            default -> throw new IllegalStateException("Unknown pooling " + spec.pooling());
        }
        double ss = 0;
        for (float x : v) {
            ss += (double) x * x;
        }
        float inv = ss > 0 ? (float) (1.0 / Math.sqrt(ss)) : 0f;
        for (int j = 0; j < h; j++) {
            v[j] *= inv;
        }
        return v;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            // A batch still inside ONNX Runtime (after a failed or cancelled encode) must finish
            // before its session is closed: closing under it crashes the JVM in native code.
            try {
                if (!pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
                    LOG.log(Level.WARNING, "{0}: embedding threads still running after 5 min", spec.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sessionOptions != null) {
            sessionOptions.close();
        }
        if (model != null) {
            model.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
