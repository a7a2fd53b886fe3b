package ai.curator.eval.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code curator bench}: benchmarks that print figures (not tests). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks that reproduce paper experiments and print their figures.")
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "bench needs a subcommand: "
                        + String.join(", ", spec.subcommands().keySet()));
    }

    /** Adds {@code curator bench}; each benchmark adds itself under it (its own {@code Extension}). */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "curator";
        }

        @Override
        public Object command() {
            return new BenchCommand();
        }
    }
}
