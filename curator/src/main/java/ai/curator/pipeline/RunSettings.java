package ai.curator.pipeline;

import java.io.PrintStream;

/**
 * How to run a pipeline.
 *
 * @param force recompute every stage, ignoring cached results
 * @param log where one-line messages go (the CLI passes stderr)
 * @param progress progress bars (silent when not on a terminal)
 */
public record RunSettings(boolean force, PrintStream log, ProgressBars progress) {
    /** Quiet settings for tests and library use: no log, no bars. */
    public static RunSettings quiet(boolean force) {
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream());
        return new RunSettings(force, nowhere, new ProgressBars(false, nowhere));
    }
}
