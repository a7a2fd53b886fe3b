package ai.curator.cli;

/**
 * A subcommand another module adds to the command line, found with {@link
 * java.util.ServiceLoader} (list implementations in {@code
 * META-INF/services/ai.curator.cli.CommandExtension}). E.g. the eval module adds {@code curator
 * bench} and {@code curator eval}. The core stays free of the modules that build on it.
 */
public interface CommandExtension {
    /**
     * The parent command: {@code curator} for a top-level command, {@code bench} for a benchmark, or
     * any space-separated path to a command another extension adds ({@code "lm"}).
     */
    String parent();

    /** A new picocli command object (annotated with {@code @Command}). */
    Object command();
}
