package ai.curator.pipeline;

import ai.curator.api.Cancellation;
import java.io.PrintStream;

/**
 * How to run a pipeline.
 *
 * @param force recompute every stage, ignoring cached results
 * @param log where one-line messages go (the CLI passes stderr)
 * @param progress progress bars (silent when not on a terminal)
 * @param cancellation the stop request stages poll (the CLI's signal handlers set it)
 */
public record RunSettings(boolean force, PrintStream log, ProgressBars progress, Cancellation cancellation) {
    public RunSettings {
        cancellation = cancellation == null ? new Cancellation() : cancellation;
    }

    /** Settings with a stop request nobody sets (library use). */
    public RunSettings(boolean force, PrintStream log, ProgressBars progress) {
        this(force, log, progress, null);
    }

    /** Quiet settings for tests and library use: no log, no bars. */
    public static RunSettings quiet(boolean force) {
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream());
        return new RunSettings(force, nowhere, new ProgressBars(false, nowhere));
    }
}
