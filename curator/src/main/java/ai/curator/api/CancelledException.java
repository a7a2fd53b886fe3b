package ai.curator.api;

/** A run stopped on request (a signal) at a stage's poll; see {@link Cancellation}. */
public class CancelledException extends CuratorException {
    private final int exitCode;

    public CancelledException(String signal, int exitCode, String stage) {
        super(Cancellation.message(signal, stage));
        this.exitCode = exitCode;
    }

    /** 130 for SIGINT, 143 for SIGTERM (128 + the signal's number). */
    public int exitCode() {
        return exitCode;
    }
}
