package ai.curator.eval.bench.spark;

import ai.curator.eval.bench.BenchCommands;
import ai.curator.io.AtomicFiles;
import ai.curator.recipe.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code curator bench spark}: one machine against Spark local and a standalone cluster, same recipe, same run. */
@Command(
        name = "spark",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs one recipe -- given embeddings (synthetic, Parquet) -> low-rank sensitivity with losses from a"
                    + " column -> sensitivity sampling -> Parquet export -- on one machine, on Spark local[C] and on a"
                    + " standalone cluster started on this machine (loopback), each in a fresh JVM, for every row"
                    + " count and partition count asked.",
            "Prints a Markdown table (wall time per stage, peak RSS per process, executor task time, input and"
                    + " shuffle bytes from Spark's event log) and what 10^9 rows would need, from the measured per-row"
                    + " costs; writes bench-spark.{md,json} into --out."
        })
public final class SparkBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--rows",
            split = ",",
            paramLabel = "N[,N...]",
            defaultValue = "1000000",
            description = "Row counts (default: ${DEFAULT-VALUE}).")
    List<Long> rows;

    @Option(names = "--dims", defaultValue = "384", description = "Embedding dimensions (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(
            names = "--partitions",
            split = ",",
            paramLabel = "P[,P...]",
            defaultValue = "2,8",
            description = "Spark partition counts (input splits, shuffle partitions; default: ${DEFAULT-VALUE}).")
    List<Integer> partitions;

    @Option(names = "--budget", defaultValue = "10%", description = "Selection budget (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(
            names = "--rank",
            defaultValue = "10",
            description = "Low-rank sensitivity rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(
            names = "--landmarks",
            defaultValue = "0.2",
            description = "Share of rows whose loss kernel ridge learns from (default: ${DEFAULT-VALUE}, the paper's).")
    double landmarks;

    @Option(names = "--local-cores", defaultValue = "2", description = "C of local[C] (default: ${DEFAULT-VALUE}).")
    int localCores;

    @Option(names = "--workers", defaultValue = "2", description = "Standalone workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--worker-cores", defaultValue = "1", description = "Cores per worker (default: ${DEFAULT-VALUE}).")
    int workerCores;

    @Option(
            names = "--executor-memory",
            defaultValue = "4g",
            description = "Heap per standalone executor (default: ${DEFAULT-VALUE}).")
    String executorMemory;

    @Option(
            names = "--driver-memory",
            defaultValue = "12g",
            description =
                    "Heap of the Spark driver (and of the one-machine JVM unless --one-machine-memory; default: ${DEFAULT-VALUE}).")
    String driverMemory;

    @Option(names = "--one-machine-memory", description = "Heap of the one-machine JVM (default: --driver-memory).")
    String oneMachineMemory;

    @Option(names = "--no-one-machine", description = "Skip the one-machine runs.")
    boolean noOne;

    @Option(names = "--no-local", description = "Skip the Spark local runs.")
    boolean noLocal;

    @Option(names = "--no-cluster", description = "Skip the standalone-cluster runs.")
    boolean noCluster;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the data and the recipe (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--out",
            defaultValue = "out/bench-spark",
            description = "Data, runs (logs, event logs, subsets) and the report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            for (long n : rows) {
                if (n < 1000) {
                    throw new IllegalArgumentException("--rows values must be at least 1000, got " + n);
                }
            }
            for (int p : partitions) {
                if (p < 1) {
                    throw new IllegalArgumentException("--partitions values must be at least 1, got " + p);
                }
            }
            if (dims < rank + 10) {
                throw new IllegalArgumentException(
                        "--dims must be at least rank + 10 (the SVD's oversampling), got " + dims);
            }
            SparkBench.Options o = new SparkBench.Options(
                    rows,
                    dims,
                    partitions,
                    budget,
                    rank,
                    landmarks,
                    localCores,
                    workers,
                    workerCores,
                    executorMemory,
                    driverMemory,
                    oneMachineMemory == null ? driverMemory : oneMachineMemory,
                    !noOne,
                    !noLocal,
                    !noCluster,
                    seed,
                    out.toAbsolutePath());
            List<SparkBench.Run> runs = new SparkBench(o, System.err).run();
            String md = SparkBenchReport.markdown(o, runs);
            System.out.print(md);
            AtomicFiles.write(out.resolve("bench-spark.md"), md.getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(
                    out.resolve("bench-spark.json"),
                    Json.MAPPER
                            .writerWithDefaultPrettyPrinter()
                            .writeValueAsString(SparkBench.json(o, runs))
                            .getBytes(StandardCharsets.UTF_8));
            System.err.printf(Locale.ROOT, "bench spark: report in %s%n", out.resolve("bench-spark.md"));
            return runs.stream().allMatch(r -> r.status().equals("ok")) ? 0 : 1;
        } catch (Exception e) {
            return BenchCommands.fail(err, spec, "bench spark", e);
        }
    }

    /** Adds {@code curator bench spark}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "bench";
        }

        @Override
        public Object command() {
            return new SparkBenchCommand();
        }
    }
}
