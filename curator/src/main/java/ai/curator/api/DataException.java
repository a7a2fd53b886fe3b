package ai.curator.api;

/** Input data that cannot be used: missing or empty file, malformed row, bad value. Names file and line. */
public class DataException extends CuratorException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
