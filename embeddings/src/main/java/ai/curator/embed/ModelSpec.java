package ai.curator.embed;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a BERT-family ONNX encoder comes from and how to turn its output into sentence vectors.
 *
 * <p>Exactly one of ({@code onnxResource}, {@code tokenizerResource}) or ({@code onnxFile},
 * {@code tokenizerFile}) is set: bundled models live on the classpath, bring-your-own models in a
 * local directory.
 *
 * @param name recipe name, e.g. {@code bge-small-en}, or the directory for a local model
 * @param onnxResource classpath resource of the ONNX graph (bundled models), else {@code null}
 * @param tokenizerResource classpath resource of the HuggingFace {@code tokenizer.json}, else {@code null}
 * @param onnxFile local ONNX file (bring-your-own models), else {@code null}
 * @param tokenizerFile local {@code tokenizer.json}, else {@code null}
 * @param pooling how token vectors are pooled
 * @param dimension expected embedding dimension, or 0 if unknown until the first batch
 * @param maxLength default maximum tokens per text including special tokens, {@code >= 2}
 * @param documentPrefix prepended to documents ({@code ""} for none)
 * @param queryPrefix prepended to queries ({@code ""} for none)
 * @param mavenArtifact the Maven artifact that carries the resources (for error hints), or {@code null}
 * @param defaultBatchSize texts per ONNX Runtime call unless the options say otherwise, {@code >= 1}
 *     (1 for dynamically quantised int8 models, whose outputs depend on the batch)
 */
public record ModelSpec(
        String name,
        String onnxResource,
        String tokenizerResource,
        Path onnxFile,
        Path tokenizerFile,
        Pooling pooling,
        int dimension,
        int maxLength,
        String documentPrefix,
        String queryPrefix,
        String mavenArtifact,
        int defaultBatchSize) {

    /** Validates the spec. */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(documentPrefix, "documentPrefix");
        Objects.requireNonNull(queryPrefix, "queryPrefix");
        boolean bundled = onnxResource != null && tokenizerResource != null;
        boolean local = onnxFile != null && tokenizerFile != null;
        if (bundled == local) {
            throw new IllegalArgumentException(
                    "Model '" + name + "' must have either classpath resources or local files for the"
                            + " ONNX graph and tokenizer, got resources=" + onnxResource + "/"
                            + tokenizerResource + ", files=" + onnxFile + "/" + tokenizerFile);
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_length of model '" + name + "' must be >= 2, got " + maxLength);
        }
        if (defaultBatchSize < 1) {
            throw new IllegalArgumentException(
                    "default batch size of model '" + name + "' must be >= 1, got " + defaultBatchSize);
        }
        if (dimension < 0) {
            throw new IllegalArgumentException("dimension of model '" + name + "' must be >= 0, got " + dimension);
        }
    }

    /**
     * Returns whether the model is bundled on the classpath.
     *
     * @return {@code true} for bundled models
     */
    public boolean bundled() {
        return onnxResource != null;
    }

    /**
     * Returns a copy with another document prefix (e.g. E5 {@code "query: "} for symmetric tasks).
     *
     * @param prefix the new prefix, {@code ""} for none
     * @return the changed spec
     */
    public ModelSpec withDocumentPrefix(String prefix) {
        return new ModelSpec(
                name,
                onnxResource,
                tokenizerResource,
                onnxFile,
                tokenizerFile,
                pooling,
                dimension,
                maxLength,
                prefix,
                queryPrefix,
                mavenArtifact,
                defaultBatchSize);
    }

    /**
     * Returns a copy with another pooling.
     *
     * @param newPooling the pooling
     * @return the changed spec
     */
    public ModelSpec withPooling(Pooling newPooling) {
        return new ModelSpec(
                name,
                onnxResource,
                tokenizerResource,
                onnxFile,
                tokenizerFile,
                newPooling,
                dimension,
                maxLength,
                documentPrefix,
                queryPrefix,
                mavenArtifact,
                defaultBatchSize);
    }
}
