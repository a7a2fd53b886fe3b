package ai.curator.learn.cli;

import ai.curator.cli.CommandExtension;

/** Adds {@code curator bench tabular} to the command line. */
public final class TabularBenchExtension implements CommandExtension {
    @Override
    public String parent() {
        return "bench";
    }

    @Override
    public Object command() {
        return new TabularBenchCommand();
    }
}
