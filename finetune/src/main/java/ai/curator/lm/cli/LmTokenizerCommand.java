package ai.curator.lm.cli;

import ai.curator.cli.CommandExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code curator lm tokenizer}: the group of tokenizer commands ({@code train}). */
@Command(
        name = "tokenizer",
        mixinStandardHelpOptions = true,
        description = "Tokenizer commands: train a byte-level BPE tokenizer.")
public final class LmTokenizerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Adds {@code curator lm tokenizer}. */
    public static final class Extension implements CommandExtension {
        @Override
        public String parent() {
            return "lm";
        }

        @Override
        public Object command() {
            return new LmTokenizerCommand();
        }
    }
}
