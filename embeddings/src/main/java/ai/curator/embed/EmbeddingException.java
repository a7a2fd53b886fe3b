package ai.curator.embed;

/**
 * A model could not be found, loaded or run. In the full project this becomes a subclass of
 * {@code CuratorException}.
 */
public class EmbeddingException extends ai.curator.api.StageException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that says what, where and how to fix it.
     *
     * @param message the message
     */
    public EmbeddingException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message the message
     * @param cause the cause
     */
    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
