package ai.curator.learn.cli;

import picocli.CommandLine;

/**
 * Runs {@link TabularBenchCommand} on its own, until it joins {@code curator bench}:
 * {@code java -cp 'dist/target/lib/*' ai.curator.learn.cli.TabularBenchMain --data FILE ...}.
 */
public final class TabularBenchMain {
  private TabularBenchMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new TabularBenchCommand()).execute(args));
  }
}
