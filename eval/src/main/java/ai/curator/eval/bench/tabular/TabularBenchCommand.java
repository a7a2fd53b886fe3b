package ai.curator.eval.bench.tabular;

import ai.curator.api.CuratorException;
import ai.curator.eval.bench.BenchCommands;
import ai.curator.learn.nn.MlpClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabular}: the ASSS paper's tabular retention benchmark on one labelled CSV/TSV file —
 * paired stratified k-fold CV × repeats, every method's subset trained with the same MLP, PRR vs
 * the full training fold. Exit 0 on success, 2 on bad input (data, options), 1 on a failure while
 * running.
 */
@Command(
        name = "tabular",
        mixinStandardHelpOptions = true,
        description = {
            "Tabular retention benchmark (ASSS paper 000 §4): stratified k-fold CV x repeats, identical folds for",
            "every method, features standardised on the training fold, same 3-layer MLP for every subset;",
            "accuracy, macro-F1, macro OvR AUC and their PRR vs full. Writes <name>.md, -folds.csv, -summary.csv,",
            ".json and -prr.png (+ selector histograms) into --out."
        })
public final class TabularBenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            description = "CSV/TSV file (optionally .gz) with a label column and numeric features")
    Path data;

    @Option(names = "--label", defaultValue = "target", description = "label column (default: ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--id", description = "row-id column, not a feature (default: a column named id, if any)")
    String id;

    @Option(names = "--folds", defaultValue = "5", description = "stratified folds (default: ${DEFAULT-VALUE})")
    int folds;

    @Option(
            names = "--repeats",
            defaultValue = "2",
            description = "repeats of the k-fold split (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(
            names = "--budget",
            defaultValue = "0.3",
            description = "ratio of the training fold kept, in (0, 1] (default: ${DEFAULT-VALUE})")
    double budget;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "seed of every random draw (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--methods",
            split = ",",
            description =
                    "methods (default: all): "
                            + "full, full_balanced, uniform, uniform_stratified, uniform_balanced, k_means, nn_thinning, low_rank, asss, asss_tuned, asss_bilevel, asss_bilevel_sampled, asss_bilevel_balanced, asss_bilevel_equal")
    List<String> methods;

    @Option(names = "--out", description = "output directory (default: out/bench-tabular)")
    Path out;

    @Option(
            names = "--hidden",
            split = ",",
            defaultValue = "128,64",
            description = "task MLP hidden widths, two (default: ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(
            names = "--epochs",
            defaultValue = "30",
            description =
                    "task MLP max epochs, early stopping on 10%% of the rows it trains on (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--batch-size",
            defaultValue = "256",
            description = "minibatch rows, task MLP and selectors (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--patience",
            defaultValue = "3",
            description = "early-stopping patience in epochs (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(
            names = "--warmup-epochs",
            defaultValue = "2",
            description = "warm-up epochs (asss, asss_bilevel, low_rank) (default: ${DEFAULT-VALUE})")
    int warmupEpochs;

    @Option(
            names = "--asss-epochs",
            defaultValue = "3",
            description = "selector training epochs of asss and asss_bilevel (default: ${DEFAULT-VALUE})")
    int asssEpochs;

    @Option(names = "--lambda", defaultValue = "0.1", description = "asss sparsity weight (default: ${DEFAULT-VALUE})")
    double lambda;

    @Option(names = "--beta", defaultValue = "0.1", description = "asss entropy weight (default: ${DEFAULT-VALUE})")
    double beta;

    @Option(
            names = "--tune-lambda",
            split = ",",
            defaultValue = "0.01,0.1,1",
            description =
                    "asss_tuned: lambda grid, picked per split by validation macro-F1 (default: ${DEFAULT-VALUE})")
    List<Double> tuneLambdas;

    @Option(
            names = "--tune-beta",
            split = ",",
            defaultValue = "0,0.1",
            description = "asss_tuned: beta grid (default: ${DEFAULT-VALUE})")
    List<Double> tuneBetas;

    @Option(
            names = "--tune-validation",
            defaultValue = "0.2",
            description =
                    "asss_tuned: stratified share of each training fold held out to pick lambda, beta; never the test fold "
                            + "(default: ${DEFAULT-VALUE})")
    double tuneValidation;

    @Option(
            names = "--tune-max-rows",
            defaultValue = "0",
            description =
                    "asss_tuned: search on a stratified sample of at most this many training-fold rows (0: all; for big "
                            + "data) (default: ${DEFAULT-VALUE})")
    int tuneMaxRows;

    @Option(
            names = "--kmeans-clusters",
            defaultValue = "100",
            description = "k_means: clusters, budget allocated in proportion (default: ${DEFAULT-VALUE})")
    int kmeansClusters;

    @Option(
            names = "--thinning-part",
            defaultValue = "2000",
            description = "nn_thinning: rows per random partition (default: ${DEFAULT-VALUE})")
    int thinningPart;

    @Option(
            names = "--splits",
            defaultValue = "0",
            description =
                    "run only the first N of the folds x repeats splits (0: all; for time-limited runs) (default: ${DEFAULT-VALUE})")
    int splits;

    @Option(
            names = "--max-rows",
            defaultValue = "0",
            description =
                    "stratified subsample of the data first (0: all rows; for quick runs) (default: ${DEFAULT-VALUE})")
    int maxRows;

    @Option(
            names = "--workers",
            defaultValue = "0",
            description =
                    "processes the splits run in, one core each (0: one per core, at most one per split and no more than "
                            + "physical memory / -Xmx); results are the same for any number, only the seconds change (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(
            names = {"-q", "--quiet"},
            description = "no per-split progress lines")
    boolean quiet;

    /**
     * {@code --workers 0}: one process per core, but no more than fit in memory — each worker may
     * grow to this JVM's heap limit ({@code -Xmx}), so at most physical memory / heap limit of them.
     *
     * @param physical physical memory in bytes, or 0 when unknown (then cores alone decide)
     */
    static int defaultWorkers(int cores, long maxHeap, long physical) {
        boolean known = physical > 0 && maxHeap > 0 && maxHeap != Long.MAX_VALUE;
        int byMemory = known ? (int) Math.min(Integer.MAX_VALUE, physical / maxHeap) : Integer.MAX_VALUE;
        return Math.max(1, Math.min(cores, byMemory));
    }

    private static long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        TabularBench.Config config;
        TabularData d;
        try {
            if (hidden.size() != 2) {
                throw new IllegalArgumentException("--hidden must list two widths (a 3-layer MLP), got " + hidden);
            }
            if (workers < 0) {
                throw new IllegalArgumentException("--workers must be >= 0 (0: one per core), got " + workers);
            }
            if (maxRows < 0) {
                throw new IllegalArgumentException("--max-rows must be >= 0, got " + maxRows);
            }
            MlpClassifier.Options mlp =
                    new MlpClassifier.Options(hidden.get(0), hidden.get(1), epochs, batchSize, 1e-3, patience, 0.1);
            config = new TabularBench.Config(
                    folds,
                    repeats,
                    budget,
                    seed,
                    methods == null ? TabularBench.METHODS : methods,
                    mlp,
                    warmupEpochs,
                    asssEpochs,
                    lambda,
                    beta,
                    kmeansClusters,
                    thinningPart,
                    splits,
                    tuneLambdas,
                    tuneBetas,
                    tuneValidation,
                    tuneMaxRows,
                    workers > 0
                            ? workers
                            : defaultWorkers(
                                    Runtime.getRuntime().availableProcessors(),
                                    Runtime.getRuntime().maxMemory(),
                                    physicalMemory()));
            d = TabularData.load(data, label, id);
            if (maxRows > 0) {
                d = d.subsample(maxRows, seed);
            }
            if (folds > d.rows()) {
                throw new IllegalArgumentException(
                        "--folds (" + folds + ") must not exceed the rows of " + data + " (" + d.rows() + ")");
            }
        } catch (IllegalArgumentException | CuratorException e) {
            return BenchCommands.fail(err, spec, "curator bench tabular", e);
        }
        try {
            outW.printf(
                    "curator bench tabular: %s, %d rows, %d features, %d classes; %d-fold x %d, budget %s; methods %s%n",
                    d.name(), d.rows(), d.x().cols(), d.classCount(), folds, repeats, budget, config.methods());
            outW.flush();
            TabularBench.Result r = TabularBench.run(
                    d,
                    config,
                    quiet
                            ? s -> {}
                            : s -> {
                                outW.println(s);
                                outW.flush();
                            });
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("data", data.toString());
            settings.put("rows", d.rows());
            settings.put("folds", folds);
            settings.put("repeats", repeats);
            settings.put("budget", budget);
            settings.put("seed", seed);
            settings.put("mlp", config.mlp());
            settings.put("warmup_epochs", warmupEpochs);
            settings.put("asss_epochs", asssEpochs);
            settings.put("lambda", lambda);
            settings.put("beta", beta);
            if (config.methods().contains("asss_tuned")) {
                settings.put("tune_lambda", config.tuneLambdas());
                settings.put("tune_beta", config.tuneBetas());
                settings.put("tune_validation", config.tuneValidation());
                settings.put("tune_max_rows", config.tuneMaxRows());
            }
            settings.put("kmeans_clusters", kmeansClusters);
            settings.put("thinning_part", thinningPart);
            settings.put("max_rows", maxRows);
            settings.put("workers", config.workers());
            settings.put("splits_run", splits == 0 ? folds * repeats : Math.min(splits, folds * repeats));
            settings.put("classes", d.classes());
            Path dir = out != null ? out : Path.of("out", "bench-tabular");
            List<Path> files = BenchReport.write(dir, d.name(), r, settings);
            outW.println();
            outW.print(BenchReport.markdown(d.name(), BenchReport.summarise(r)));
            outW.printf("%nwall time %.0f s; wrote:%n", r.seconds());
            for (Path f : new ArrayList<>(files)) {
                outW.println("  " + f);
            }
            outW.flush();
            return 0;
        } catch (Exception e) {
            return BenchCommands.fail(err, spec, "curator bench tabular", e);
        }
    }

    /** Adds {@code curator bench tabular}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "bench";
        }

        @Override
        public Object command() {
            return new TabularBenchCommand();
        }
    }
}
