package ai.curator.cli;

/**
 * A subcommand another module adds to the command line, found with {@link
 * java.util.ServiceLoader} (list implementations in {@code
 * META-INF/services/ai.curator.cli.CommandExtension}). E.g. the learn module adds {@code curator
 * bench tabular}. The core stays free of the modules that build on it.
 */
public interface CommandExtension {
    /** The parent command's name: {@code bench} for a benchmark, {@code curator} for a top-level command. */
    String parent();

    /** A new picocli command object (annotated with {@code @Command}). */
    Object command();
}
