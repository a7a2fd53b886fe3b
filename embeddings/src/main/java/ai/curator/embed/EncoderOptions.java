package ai.curator.embed;

import java.nio.file.Path;

/**
 * Run-time settings of a {@link DjlOnnxEncoder}; every field has a default, see {@link #defaults()}.
 *
 * @param kind whether {@code embed} treats texts as documents or queries (chooses the prefix);
 *     default {@link InputKind#DOCUMENT}
 * @param maxLength maximum tokens per text including special tokens, longer texts are truncated;
 *     0 means the model's default (512 for BGE/E5, 256 for MiniLM); range 0 or [2, 512]
 * @param batchSize maximum texts per ONNX Runtime call; 0 (default) means the model's default:
 *     64 for fp32 models, 1 for int8 models (their dynamic per-tensor activation quantisation makes
 *     a text's vector depend on the other texts and the padding in its batch, cos ≥ 0.96 only;
 *     unbatched they are exact and batch-invariant)
 * @param maxBatchTokens maximum padded tokens (texts × longest text) per call, bounds memory on
 *     long texts; {@code >= maxLength}; default 16384
 * @param intraOpThreads ONNX Runtime intra-op threads per call; 0 (default) means available cores
 *     divided by {@code concurrentBatches}
 * @param concurrentBatches batches run at once from Java threads; 0 (default) means one per core when
 *     batches hold a single text (the int8 models' default), else 1 — small one-text calls gain more
 *     from running side by side than from splitting each over threads (measured on ViGGO
 *     references, 2 cores: bge-small-en-q 173 → 449 sentences/s, minilm-l6-q 483 → 1,021), and each
 *     text's vector is computed by one thread either way
 * @param spinning whether idle ORT workers spin; default {@code false} (on a shared 2-core machine
 *     spinning starves the threads they wait for)
 * @param documentPrefix overrides the model's document prefix (E5 {@code "passage: "}); {@code null}
 *     keeps the model's
 * @param cacheDir where bundled models are copied; {@code null} means {@link ModelCache#defaultCache()}
 * @param device {@code auto} (default: CUDA device 0 when ONNX Runtime's GPU package is on the
 *     class path and its CUDA provider loads, else the CPU), {@code cpu}, {@code cuda} or {@code
 *     cuda:N} (fail unless that CUDA device can be used)
 */
public record EncoderOptions(
        InputKind kind,
        int maxLength,
        int batchSize,
        int maxBatchTokens,
        int intraOpThreads,
        int concurrentBatches,
        boolean spinning,
        String documentPrefix,
        Path cacheDir,
        String device) {

    /** Validates the options. */
    public EncoderOptions {
        if (kind == null) {
            throw new IllegalArgumentException("embedding.kind must be DOCUMENT or QUERY, got null");
        }
        if (maxLength != 0 && (maxLength < 2 || maxLength > 512)) {
            throw new IllegalArgumentException(
                    "embedding.max_length must be 0 (model default) or in [2, 512], got " + maxLength);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException(
                    "embedding.batch_size must be >= 1, or 0 for the model default, got " + batchSize);
        }
        if (maxBatchTokens < Math.max(maxLength, 2)) {
            throw new IllegalArgumentException(
                    "embedding.max_batch_tokens must be >= max_length (" + maxLength + "), got " + maxBatchTokens);
        }
        if (concurrentBatches < 0) {
            throw new IllegalArgumentException(
                    "embedding.concurrent_batches must be >= 0 (0 = 1), got " + concurrentBatches);
        }
        device = device == null ? "auto" : device.trim().toLowerCase(java.util.Locale.ROOT);
        if (!device.equals("auto") && !device.equals("cpu") && !device.matches("cuda(:\\d{1,2})?")) {
            throw new IllegalArgumentException(
                    "embedding.device must be auto, cpu, cuda or cuda:N, got '" + device + "'");
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("embedding.threads must be >= 0 (0 = all cores), got " + intraOpThreads);
        }
    }

    /**
     * Returns the defaults: documents, model max length, model batch size, 16384 tokens per batch, all cores.
     *
     * @return the defaults
     */
    public static EncoderOptions defaults() {
        return new EncoderOptions(InputKind.DOCUMENT, 0, 0, 16384, 0, 0, false, null, null, "auto");
    }

    /**
     * Returns a copy with another max length.
     *
     * @param value see {@link #maxLength()}
     * @return the copy
     */
    public EncoderOptions withMaxLength(int value) {
        return new EncoderOptions(
                kind,
                value,
                batchSize,
                Math.max(maxBatchTokens, value),
                intraOpThreads,
                concurrentBatches,
                spinning,
                documentPrefix,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with another batch size.
     *
     * @param value see {@link #batchSize()}
     * @return the copy
     */
    public EncoderOptions withBatchSize(int value) {
        return new EncoderOptions(
                kind,
                maxLength,
                value,
                maxBatchTokens,
                intraOpThreads,
                concurrentBatches,
                spinning,
                documentPrefix,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with another input kind.
     *
     * @param value see {@link #kind()}
     * @return the copy
     */
    public EncoderOptions withKind(InputKind value) {
        return new EncoderOptions(
                value,
                maxLength,
                batchSize,
                maxBatchTokens,
                intraOpThreads,
                concurrentBatches,
                spinning,
                documentPrefix,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with another thread count.
     *
     * @param value see {@link #intraOpThreads()}
     * @return the copy
     */
    public EncoderOptions withThreads(int value) {
        return new EncoderOptions(
                kind,
                maxLength,
                batchSize,
                maxBatchTokens,
                value,
                concurrentBatches,
                spinning,
                documentPrefix,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with another document prefix.
     *
     * @param value see {@link #documentPrefix()}
     * @return the copy
     */
    public EncoderOptions withDocumentPrefix(String value) {
        return new EncoderOptions(
                kind,
                maxLength,
                batchSize,
                maxBatchTokens,
                intraOpThreads,
                concurrentBatches,
                spinning,
                value,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with another cache directory.
     *
     * @param value see {@link #cacheDir()}
     * @return the copy
     */
    public EncoderOptions withCacheDir(Path value) {
        return new EncoderOptions(
                kind,
                maxLength,
                batchSize,
                maxBatchTokens,
                intraOpThreads,
                concurrentBatches,
                spinning,
                documentPrefix,
                value,
                device);
    }

    /**
     * Returns a copy with another batch concurrency.
     *
     * @param value see {@link #concurrentBatches()}
     * @return the copy
     */
    public EncoderOptions withConcurrentBatches(int value) {
        return new EncoderOptions(
                kind,
                maxLength,
                batchSize,
                maxBatchTokens,
                intraOpThreads,
                value,
                spinning,
                documentPrefix,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with spinning on or off.
     *
     * @param value see {@link #spinning()}
     * @return the copy
     */
    public EncoderOptions withSpinning(boolean value) {
        return new EncoderOptions(
                kind,
                maxLength,
                batchSize,
                maxBatchTokens,
                intraOpThreads,
                concurrentBatches,
                value,
                documentPrefix,
                cacheDir,
                device);
    }

    /**
     * Returns a copy with another device.
     *
     * @param value see {@link #device()}
     * @return the copy
     */
    public EncoderOptions withDevice(String value) {
        return new EncoderOptions(
                kind,
                maxLength,
                batchSize,
                maxBatchTokens,
                intraOpThreads,
                concurrentBatches,
                spinning,
                documentPrefix,
                cacheDir,
                value);
    }
}
