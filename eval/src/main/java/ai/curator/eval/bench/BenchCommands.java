package ai.curator.eval.bench;

import ai.curator.api.CuratorException;
import ai.curator.api.StageException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** What the {@code curator bench} commands share: the {@code --verbose} flag and how a failure ends them. */
public final class BenchCommands {
    private BenchCommands() {}

    /** The inherited {@code curator --verbose} flag (stack traces on failure). */
    public static boolean verbose(CommandLine.Model.CommandSpec spec) {
        CommandLine.Model.OptionSpec o = spec.findOption("--verbose");
        return o != null && Boolean.TRUE.equals(o.getValue());
    }

    /**
     * Prints {@code command: message} (and the stack trace under {@code --verbose}) and returns the
     * exit code: 2 for bad input (options, data, recipes: {@link IllegalArgumentException} and every
     * {@link CuratorException} but a {@link StageException}), 1 for a failed run or anything else.
     */
    public static int fail(PrintWriter err, CommandLine.Model.CommandSpec spec, String command, Exception e) {
        boolean input = e instanceof IllegalArgumentException
                || (e instanceof CuratorException && !(e instanceof StageException));
        boolean known = e instanceof IllegalArgumentException || e instanceof CuratorException;
        err.println(command + ": " + (known ? e.getMessage() : "failed: " + e));
        if (verbose(spec)) {
            e.printStackTrace(err);
        }
        err.flush();
        return input ? 2 : 1;
    }
}
