package ai.curator.eval.cli;

import ai.curator.cli.CommandExtension;

/** Adds {@code curator eval} to the command line. */
public final class EvalExtension implements CommandExtension {
    @Override
    public String parent() {
        return "curator";
    }

    @Override
    public Object command() {
        return new EvalCommand();
    }
}
