package ai.curator.api;

import java.util.List;

/**
 * Turns texts into fixed-size dense vectors (sentence embeddings).
 *
 * <p>Implementations are thread-safe for concurrent {@link #embed} calls unless they say
 * otherwise, hold native resources (release them with {@link #close()}), and return one vector
 * per input text, in input order.
 */
public interface Encoder extends AutoCloseable {

    /**
     * Returns the length of every vector {@link #embed} returns.
     *
     * @return the embedding dimension, {@code >= 1}
     */
    int dimension();

    /**
     * Returns a stable identifier of the model and the settings that change its vectors (for
     * provenance and cache keys), e.g. {@code "bge-small-en@sha256:ab12…;pooling=CLS;max_length=512"}.
     *
     * @return the identifier, never empty
     */
    String id();

    /**
     * Embeds texts.
     *
     * @param texts the texts to embed; may be empty; no element may be {@code null} (an empty string
     *     is allowed)
     * @return {@code texts.size()} vectors of length {@link #dimension()}, in input order
     * @throws IllegalArgumentException if an element is {@code null}
     */
    float[][] embed(List<String> texts);

    /** Releases native resources; the encoder cannot be used afterwards. */
    @Override
    void close();
}
