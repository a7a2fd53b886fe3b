package ai.curator.cli;

import ai.curator.api.CuratorException;
import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.api.StageProvider;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.PlannedStage;
import ai.curator.pipeline.ProgressBars;
import ai.curator.pipeline.RunResult;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.provenance.Version;
import ai.curator.recipe.Json;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code curator} command line. Exit codes: 0 success, 2 bad input (recipe, data or usage:
 * a message and, for usage errors, the usage), 1 failure while running (a message; the stack
 * trace only with {@code --verbose}).
 */
@Command(
        name = "curator",
        mixinStandardHelpOptions = true,
        versionProvider = CuratorCli.VersionProvider.class,
        description = "Picks the samples of a training set worth training on: load, embed, score, select, export.",
        subcommands = {
            CuratorCli.Run.class,
            CuratorCli.Validate.class,
            CuratorCli.Describe.class,
            CuratorCli.ListStages.class,
            CommandLine.HelpCommand.class
        })
public final class CuratorCli implements Runnable {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a failure while running. */
    public static final int FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CuratorCli());
        addExtensions(
                cl,
                java.util.ServiceLoader.load(CommandExtension.class).stream()
                        .map(java.util.ServiceLoader.Provider::get)
                        .toList());
        cl.setExecutionExceptionHandler(CuratorCli::handle);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            return BAD_INPUT;
        });
        return cl;
    }

    /**
     * Adds every extension's command under its parent. A parent may itself come from an extension
     * (e.g. {@code bench} from the eval module, {@code bench llm} under it), so extensions are added
     * in rounds until none is left; one whose parent never appears is an error naming both.
     */
    static void addExtensions(CommandLine root, java.util.List<CommandExtension> extensions) {
        java.util.List<CommandExtension> left = new java.util.ArrayList<>(extensions);
        while (!left.isEmpty()) {
            boolean added = false;
            for (java.util.Iterator<CommandExtension> it = left.iterator(); it.hasNext(); ) {
                CommandExtension ext = it.next();
                CommandLine parent = find(root, ext.parent());
                if (parent != null) {
                    parent.addSubcommand(ext.command());
                    it.remove();
                    added = true;
                }
            }
            if (!added) {
                CommandExtension ext = left.get(0);
                throw new IllegalStateException(ext.getClass().getName() + " names unknown parent command '"
                        + ext.parent() + "'; known: " + names(root, ""));
            }
        }
    }

    /** The command at a space-separated path below the root ({@code curator} is the root itself). */
    private static CommandLine find(CommandLine root, String path) {
        CommandLine c = root;
        for (String part : path.trim().split("\\s+")) {
            if (part.equals("curator") && c == root) {
                continue;
            }
            c = c.getSubcommands().get(part);
            if (c == null) {
                return null;
            }
        }
        return c;
    }

    private static java.util.List<String> names(CommandLine c, String prefix) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (var e : c.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                out.add(prefix + e.getKey());
                out.addAll(names(e.getValue(), prefix + e.getKey() + " "));
            }
        }
        return out;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        int code;
        if (e instanceof ai.curator.api.CancelledException c) {
            err.println("curator: " + c.getMessage());
            err.flush();
            return c.exitCode();
        }
        if (e instanceof RecipeException || e instanceof DataException) {
            err.println("error: " + e.getMessage());
            code = BAD_INPUT;
        } else if (e instanceof CuratorException) {
            err.println("error: " + e.getMessage());
            code = FAILURE;
        } else {
            err.println("error: " + e);
            code = FAILURE;
        }
        if (verbose) {
            e.printStackTrace(err);
        } else if (code == FAILURE) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return code;
    }

    /** The {@code --set KEY=VALUE} arguments, parsed. */
    /** The recipe argument and its {@code --set} overrides, shared by run, validate and describe. */
    static final class RecipeArgs {
        @Parameters(index = "0", paramLabel = "RECIPE", description = "The recipe YAML file.")
        Path recipe;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description = "Change a recipe value before it is checked, e.g. select.budget=6.25%%, seed=7, "
                        + "stages[2].rank=8, dataset.split=test (repeatable; recorded in provenance). "
                        + "Without -o the output directory gets a suffix naming the values.")
        java.util.List<String> sets = new java.util.ArrayList<>();

        /** The recipe with the overrides applied. */
        Recipe read() {
            return RecipeReader.read(recipe, overrides(sets));
        }
    }

    static java.util.List<ai.curator.recipe.RecipeOverrides.Setting> overrides(java.util.List<String> sets) {
        return sets.stream()
                .map(ai.curator.recipe.RecipeOverrides.Setting::parse)
                .toList();
    }

    /** Reports version and build commit. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "curator " + Version.version() + " (commit " + Version.commit() + ")",
                "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch")
            };
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run a recipe: every stage in order, reusing cached stage results.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        RecipeArgs args;

        @Option(names = "--force", description = "Recompute every stage, ignoring cached results.")
        boolean force;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "DIR",
                description = "Output directory (overrides the recipe's 'output'); with --engine spark also a URI"
                        + " (hdfs://nn/out, s3a://bucket/out, file:///out).")
        String output;

        @Option(
                names = {"-q", "--quiet"},
                description = "No progress bars or stage messages; only the output paths.")
        boolean quiet;

        @Option(
                names = "--engine",
                paramLabel = "NAME",
                defaultValue = "local",
                description =
                        "Where the recipe runs: local (this process, default) or spark (Apache Spark; see --master).")
        String engine;

        @Option(
                names = "--master",
                paramLabel = "URL",
                description = "With --engine spark: local[N] (default local[*]), spark://host:port or yarn.")
        String master;

        @Override
        public Integer call() {
            Recipe r = args.read();
            if (output != null) {
                r = Recipe.isUri(output)
                        ? r.withOutputUri(output)
                        : r.withOutput(Path.of(output).toAbsolutePath().normalize());
            }
            if (!engine.equals("local")) {
                return onEngine(r);
            }
            if (master != null) {
                throw new ai.curator.api.RecipeException(
                        "--master " + master + " needs a cluster engine (--engine spark); the local engine runs here");
            }
            ai.curator.linalg.Kernels.warmUpInBackground(); // JIT-compiles the kernels while the data load
            Pipeline p = Pipeline.build(r, StageRegistry.load());
            PrintWriter out = spec.commandLine().getOut();
            var err = System.err;
            var log = quiet ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : err;
            log.printf(
                    "curator %s: recipe %s, seed %d, %s%n",
                    Version.version(),
                    r.name(),
                    r.seed(),
                    ai.curator.api.Plural.of(p.stages().size(), "stage"));
            long t0 = System.nanoTime();
            var cancellation = new ai.curator.api.Cancellation();
            RunResult res;
            try (Interrupts signals = Interrupts.install(cancellation, err)) {
                res = p.run(new RunSettings(force, log, ProgressBars.auto(quiet, err), cancellation));
            }
            log.printf(
                    Locale.ROOT,
                    "done in %.1f s (%d of %s cached); selected %,d of %s by %s%n",
                    (System.nanoTime() - t0) / 1e9,
                    res.cachedStages(),
                    ai.curator.api.Plural.of(p.stages().size() + 1, "stage"),
                    res.selection().size(),
                    ai.curator.api.Plural.of(res.table().rows(), "row"),
                    res.selection().method());
            out.println("Outputs in " + r.output() + ":");
            for (Path f : res.outputs()) {
                out.println("  " + f);
            }
            out.flush();
            return 0;
        }

        private Integer onEngine(Recipe r) {
            ai.curator.pipeline.Engine e = ai.curator.pipeline.Engine.named(engine);
            var err = System.err;
            var log = quiet ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : err;
            log.printf(
                    "curator %s: recipe %s, seed %d, engine %s%s%n",
                    Version.version(), r.name(), r.seed(), e.name(), master == null ? "" : " (" + master + ")");
            long t0 = System.nanoTime();
            ai.curator.pipeline.Engine.Result res =
                    e.run(r, new ai.curator.pipeline.Engine.Settings(master, force, log));
            log.printf(
                    Locale.ROOT,
                    "done in %.1f s; selected %,d of %s by %s%n",
                    (System.nanoTime() - t0) / 1e9,
                    res.selected(),
                    ai.curator.api.Plural.of(res.rows(), "row"),
                    res.method());
            PrintWriter out = spec.commandLine().getOut();
            out.println("Outputs in " + r.outputText() + ":");
            for (String f : res.outputs()) {
                out.println("  " + f);
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description =
                    "Check a recipe (keys, stages, options, plan, that the data file exists) without reading the data.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        RecipeArgs args;

        @Override
        public Integer call() {
            Pipeline p = Pipeline.build(args.read(), StageRegistry.load());
            p.checkInputs();
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s: valid (%s: %s)%n",
                            args.recipe,
                            ai.curator.api.Plural.of(p.stages().size(), "stage"),
                            String.join(
                                    " -> ",
                                    p.stages().stream().map(PlannedStage::name).toList()));
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Print the resolved plan: data set, stages with every option (defaults filled in), outputs.")
    static final class Describe implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        RecipeArgs args;

        @Override
        public Integer call() throws JsonProcessingException {
            Pipeline p = Pipeline.build(args.read(), StageRegistry.load());
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(p.describe()));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List every registered stage method and loss source with a one-line description.")
    static final class ListStages implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String role = null;
            for (StageProvider<?> p : StageRegistry.load().all()) {
                if (!p.role().equals(role)) {
                    role = p.role();
                    out.println(role + ":");
                }
                out.printf("  %-24s %s%n", p.method(), p.summary());
            }
            out.println("loss sources (score: {loss: {source: NAME}}):");
            for (var p : ai.curator.score.LossSources.load().all()) {
                out.printf("  %-24s %s%n", p.name(), p.summary());
            }
            out.println("(options and defaults: recipes/reference.yaml, or 'curator describe RECIPE')");
            return 0;
        }
    }
}
