package ai.curator.lm.cli;

import ai.curator.cli.CommandExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code curator lm}: the group of language-model commands. Its subcommands are added by {@link
 * CommandExtension}s naming parent {@code lm}.
 */
@Command(
        name = "lm",
        mixinStandardHelpOptions = true,
        description = {
            "The in-JVM language model (Hugging Face directory, .gguf or llama2.c .bin checkpoint):",
            "generate text, per-row losses, checkpoint info, tokenizer training."
        })
public final class LmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Adds {@code curator lm}. */
    public static final class Extension implements CommandExtension {
        @Override
        public String parent() {
            return "curator";
        }

        @Override
        public Object command() {
            return new LmCommand();
        }
    }
}
