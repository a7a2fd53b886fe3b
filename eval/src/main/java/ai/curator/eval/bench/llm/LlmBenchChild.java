package ai.curator.eval.bench.llm;

import ai.curator.cli.CuratorCli;

/**
 * A run's child process: {@code PARENT_PID curator-arguments…}. Runs the curator command line and
 * halts as soon as the bench process that started it ends (killed, or stopped with Ctrl-C), so no
 * orphan keeps a core busy; the stages it leaves are resumed by the next bench run.
 */
public final class LlmBenchChild {
    private LlmBenchChild() {}

    public static void main(String[] args) {
        ai.curator.eval.bench.ChildJvm.haltWhenParentEnds(Long.parseLong(args[0]));
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(CuratorCli.commandLine().execute(rest));
    }
}
