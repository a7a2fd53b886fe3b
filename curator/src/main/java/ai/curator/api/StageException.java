package ai.curator.api;

/** A stage that failed while running on valid input (I/O failure, numerical failure, native library). */
public class StageException extends CuratorException {
    public StageException(String message) {
        super(message);
    }

    public StageException(String message, Throwable cause) {
        super(message, cause);
    }
}
