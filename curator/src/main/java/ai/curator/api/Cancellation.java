package ai.curator.api;

/**
 * A request to stop a run (Ctrl-C, {@code kill -TERM}), which stages poll so that they stop
 * between units of work with their native resources closed.
 *
 * <p>How a stage takes part: call {@link StageContext#checkCancelled()} once at the start of
 * {@code run} (that marks the stage <em>cooperative</em>) and again between batches, epochs or
 * generated sequences; it throws {@link CancelledException}, which unwinds the stage through its
 * try-with-resources blocks (ONNX Runtime sessions, PyTorch models and NDManagers, language-model
 * weights closed there) and ends the run with exit 130 (SIGINT) or 143 (SIGTERM). Never hold a
 * native session open across a poll without a try-with-resources around it, and never swallow the
 * exception. A stage that does not poll (or the load stage) is stopped by the JVM's own exit at
 * once: safe for pure-Java work, whose files are written atomically, but not for native code
 * that may still be running inside a call when the process exits — ONNX Runtime crashed the JVM
 * that way (issue 16), which is why the embed stage polls. A cooperative stage that has not
 * polled again within {@link #GRACE_SECONDS} is stopped the same way.
 *
 * <p>Thread-safe: a signal handler thread requests, pipeline and worker threads poll.
 */
public final class Cancellation {
    /** Seconds a cooperative stage has to reach its next poll before the process exits anyway. */
    public static final int GRACE_SECONDS = 60;

    private volatile String signal; // null until requested
    private volatile int exitCode;
    private volatile String stage = "start-up";
    private volatile boolean cooperative;

    /** Asks the run to stop; {@code signal} is e.g. {@code "SIGTERM"}, {@code exitCode} 143. */
    public void request(String signal, int exitCode) {
        this.exitCode = exitCode;
        this.signal = signal;
    }

    /** The signal that asked to stop ({@code "SIGTERM"}), or null; does not poll. */
    public String signal() {
        return signal;
    }

    /** Whether a stop was requested (and marks the current stage cooperative). */
    public boolean requested() {
        cooperative = true;
        return signal != null;
    }

    /** Throws {@link CancelledException} when a stop was requested. */
    public void check() {
        if (requested()) {
            throw new CancelledException(signal, exitCode, stage);
        }
    }

    /** The pipeline names the stage now running (for the message); it starts non-cooperative. */
    public void enter(String stageLabel) {
        this.stage = stageLabel;
        this.cooperative = false;
    }

    /** The stage now running, as the pipeline labels it ({@code "[1/3 embed encoder]"}). */
    public String stage() {
        return stage;
    }

    /** Whether the stage now running has polled, so it will stop at its next poll. */
    public boolean cooperative() {
        return cooperative;
    }

    /** The one line that tells the user what was stopped and how to go on. */
    public static String message(String signal, String stage) {
        return "interrupted (" + signal + ") during " + stage
                + "; finished stages are cached: rerun the same command to resume";
    }
}
