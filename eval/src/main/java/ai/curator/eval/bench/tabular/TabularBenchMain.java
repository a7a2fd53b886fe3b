package ai.curator.eval.bench.tabular;

/**
 * {@code curator bench tabular} under a main class of its own (same as {@code curator bench
 * tabular ARGS}): {@code java -cp 'dist/target/lib/*' ai.curator.eval.bench.tabular.TabularBenchMain --data FILE ...}.
 */
public final class TabularBenchMain {
    private TabularBenchMain() {}

    public static void main(String[] args) {
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "tabular";
        System.arraycopy(args, 0, all, 2, args.length);
        System.exit(ai.curator.cli.CuratorCli.commandLine().execute(all));
    }
}
