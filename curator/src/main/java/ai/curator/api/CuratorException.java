package ai.curator.api;

/**
 * Base of every error curator reports to a user. The message says what went wrong, where, which
 * constraint was broken, what was found, and, where one exists, the fix.
 */
public class CuratorException extends RuntimeException {
    public CuratorException(String message) {
        super(message);
    }

    public CuratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
