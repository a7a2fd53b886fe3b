package ai.curator.embed;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Plan;
import ai.curator.api.Progress;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.io.FileIo;
import ai.curator.linalg.FloatMatrix;
import java.util.List;
import java.util.Locale;

/**
 * Embeds each row's text ({@code dataset.text}) with a BERT-family sentence encoder on DJL and
 * ONNX Runtime: a bundled model ({@code bge-small-en} by default; MiniLM, E5, and int8 variants)
 * or a local directory with {@code model.onnx} and {@code tokenizer.json}. Vectors are pooled as
 * the model requires and L2-normalised. Texts longer than the model's maximum length are
 * truncated; their count is recorded in provenance ({@code details.truncated}).
 */
public final class EncoderEmbedder implements Stage {
    /**
     * Texts handed to the encoder per call. The encoder sorts a call's texts by token count before
     * batching, so a bigger call pads less (1,024-text calls left GSM8K train's batches padded more
     * than one sort over all 7,473); the progress bar moves per batch, and a call's token ids (about
     * 32,768 × tokens × 8 bytes) bound its memory. Fixed positions, so the Spark engine's executors
     * embed the same chunks.
     */
    static final int CHUNK = ai.curator.linalg.Parallel.EMBED_CHUNK;

    /**
     * Options of {@code embed: encoder} (the default embed method).
     *
     * @param model a bundled model name or a model directory (relative to the recipe); default bge-small-en
     * @param kind {@code document} (default) or {@code query}: which prefix the model adds (E5, BGE)
     * @param maxLength tokens per text, 0 = the model's default (512; 256 for MiniLM); at most 512
     * @param batchSize texts per ONNX Runtime call, 0 = the model's default (64; 1 for int8 models)
     * @param threads ONNX Runtime intra-op threads, 0 = all cores
     */
    public record Options(
            String model, String kind, Integer maxLength, Integer batchSize, Integer threads, String device) {
        public Options {
            model = model == null ? ModelRegistry.DEFAULT_MODEL : model;
            kind = kind == null ? "document" : kind.toLowerCase(Locale.ROOT);
            if (!kind.equals("document") && !kind.equals("query")) {
                throw new IllegalArgumentException("encoder.kind must be document or query, got '" + kind + "'");
            }
            maxLength = maxLength == null ? 0 : maxLength;
            batchSize = batchSize == null ? 0 : batchSize;
            threads = threads == null ? 0 : threads;
            device = encoderOptions(kind, maxLength, batchSize, threads, device).device(); // validates
        }

        EncoderOptions encoderOptions() {
            return encoderOptions(kind, maxLength, batchSize, threads, device);
        }

        private static EncoderOptions encoderOptions(
                String kind, int maxLength, int batchSize, int threads, String device) {
            return EncoderOptions.defaults()
                    .withKind(kind.equals("query") ? InputKind.QUERY : InputKind.DOCUMENT)
                    .withMaxLength(maxLength)
                    .withBatchSize(batchSize)
                    .withThreads(threads)
                    .withDevice(device);
        }
    }

    /** Registers {@code embed: encoder}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "embed",
                    "encoder",
                    "embed each row's text with a BERT-family encoder (bundled: "
                            + String.join(", ", ModelRegistry.bundledNames()) + "; or a local ONNX model directory)",
                    Options.class,
                    EncoderEmbedder::new);
        }

        @Override
        public java.util.Map<String, String> optionNotes() {
            return java.util.Map.of(
                    "max_length", "0 = the model's default (512; 256 for MiniLM)",
                    "batch_size", "0 = the model's default (64; 1 for int8 models)",
                    "threads", "0 = all cores");
        }
    }

    private final Options options;
    private ModelSpec spec;

    public EncoderEmbedder(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        plan.requireText();
        spec = isBundled(options.model())
                ? ModelRegistry.bundled(options.model())
                : ModelRegistry.local(plan.resolve(options.model()));
        plan.produceEmbeddings();
    }

    private static boolean isBundled(String model) {
        return ModelRegistry.bundledNames().contains(model);
    }

    /** Vectors depend on the text and the model only: recipes that differ in their seed share them. */
    @Override
    public boolean usesSeed() {
        return false;
    }

    /** A local model's files decide its vectors: their hashes join the cache key. */
    @Override
    public String fingerprint() {
        if (spec == null || spec.bundled()) {
            return "";
        }
        return FileIo.sha256(spec.onnxFile()) + ":" + FileIo.sha256(spec.tokenizerFile());
    }

    @Override
    public void run(StageContext ctx) {
        ctx.checkCancelled(); // polls from here on: a signal stops the stage between batches (issue 16)
        List<String> texts = ctx.texts();
        int n = texts.size();
        InputKind kind = options.kind().equals("query") ? InputKind.QUERY : InputKind.DOCUMENT;
        try (DjlOnnxEncoder encoder = DjlOnnxEncoder.open(spec, options.encoderOptions());
                Progress progress = ctx.progress("embed " + spec.name(), n)) {
            int d = encoder.dimension();
            FloatMatrix data = new FloatMatrix(n, d); // row chunks beyond 2^31 values
            int truncated = 0;
            long tokens = 0;
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                // Between batches, never inside an ONNX Runtime call: the encoder (and its sessions)
                // is closed by this try block before the process exits.
                Embeddings e = encoder.encode(texts.subList(from, to), kind, k -> {
                    progress.step(k);
                    ctx.checkCancelled();
                });
                for (int i = 0; i < to - from; i++) {
                    data.setRow(from + i, e.vectors()[i], 0);
                    tokens += e.tokenCounts()[i];
                }
                truncated += e.truncated();
            }
            ctx.record("model", spec.name());
            ctx.record("encoder", encoder.id());
            ctx.record("device", encoder.device());
            ctx.record("dimension", d);
            ctx.record("max_length", encoder.maxLength());
            ctx.record("truncated", truncated);
            ctx.record("tokens", tokens);
            if (truncated > 0) {
                ctx.log(String.format(
                        "%,d of %,d texts were longer than %d tokens and were truncated",
                        truncated, n, encoder.maxLength()));
            }
            ctx.setEmbeddings(data, encoder.id());
        }
    }

    /** The spec planned (for tests). */
    ModelSpec spec() {
        return spec;
    }
}
