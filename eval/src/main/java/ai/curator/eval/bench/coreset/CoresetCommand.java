package ai.curator.eval.bench.coreset;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code curator bench coreset}: paper 003 §4.1, Figure 1, on the credit-card data. */
@Command(
        name = "coreset",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Paper 003 §4.1 (Figure 1) on the Default of Credit Card Clients data: (a) coreset error of Σ‖x‖² and "
                    + "(b) held-out accuracy of logistic regression trained on weighted coresets, for uniform, clustering "
                    + "and low-rank sensitivity sampling.",
            "Prints a Markdown table; writes coreset-bench.{md,csv,json,png} into --out."
        })
public final class CoresetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            defaultValue = CoresetBench.DEFAULT_DATA,
            description = "Data file (default: ${DEFAULT-VALUE}, relative to the working directory).")
    Path data;

    @Option(names = "--id", defaultValue = "ID", description = "Id column, not a feature (default: ${DEFAULT-VALUE}).")
    String id;

    @Option(
            names = "--label",
            defaultValue = "default payment next month",
            description = "Binary label column (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(
            names = "--sizes",
            split = ",",
            paramLabel = "S[,S...]",
            defaultValue = "1000,2000,3000,4000,5000",
            description = "Coreset sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
            names = "--trials",
            defaultValue = "100",
            description = "Trials per size for uniform and low-rank (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(
            names = "--cluster-trials",
            defaultValue = "3",
            description =
                    "Trials per size for clustering (k-means with k = s); 0 skips it (default: ${DEFAULT-VALUE}).")
    int clusterTrials;

    @Option(
            names = "--cluster-iterations",
            defaultValue = "10",
            description = "Lloyd iterations per k-means run (default: ${DEFAULT-VALUE}; paper 300).")
    int clusterIterations;

    @Option(
            names = "--cluster-restarts",
            defaultValue = "1",
            description = "k-means++ restarts, best inertia kept (default: ${DEFAULT-VALUE}; paper 10).")
    int clusterRestarts;

    @Option(
            names = "--test-fraction",
            defaultValue = "0.2",
            description = "Held-out share (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(
            names = "--split",
            defaultValue = "stratified",
            paramLabel = "stratified|plain",
            description = "Train/test split: stratified by label, or plain (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--rank", defaultValue = "5", description = "Low-rank k (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--gamma", defaultValue = "5", description = "Low-rank γ (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--lambda", defaultValue = "1", description = "Low-rank λ (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(
            names = "--landmark-fraction",
            defaultValue = "0.2",
            description = "Landmark share in landmark mode (default: ${DEFAULT-VALUE}).")
    double landmarkFraction;

    @Option(names = "--c", defaultValue = "1", description = "Logistic regression C (default: ${DEFAULT-VALUE}).")
    double c;

    @Option(
            names = "--balance",
            defaultValue = "weights",
            paramLabel = "weights|draws",
            description =
                    "Balanced class weights of a coreset model from the sample-weighted labels (weights), or from "
                            + "the draws per class as scikit-learn's class_weight='balanced' does (draws) (default: ${DEFAULT-VALUE}).")
    String balance;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            defaultValue = "out/bench-coreset",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        ai.curator.linalg.Kernels.warmUpInBackground();
        if (!split.equals("stratified") && !split.equals("plain")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--split must be stratified or plain, got '" + split + "'");
        }
        if (!balance.equals("weights") && !balance.equals("draws")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--balance must be weights or draws, got '" + balance + "'");
        }
        CoresetBench.Options o;
        try {
            o = new CoresetBench.Options(
                    data,
                    id,
                    label,
                    sizes,
                    trials,
                    clusterTrials,
                    clusterIterations,
                    clusterRestarts,
                    testFraction,
                    split.equals("stratified"),
                    rank,
                    gamma,
                    lambda,
                    landmarkFraction,
                    c,
                    balance.equals("draws"),
                    seed,
                    out);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CoresetBench.Report r = CoresetBench.run(o, System.err);
        List<Path> files = CoresetReport.write(r, out);
        PrintWriter pw = spec.commandLine().getOut();
        pw.print(CoresetReport.markdown(r));
        pw.println();
        pw.printf(Locale.ROOT, "wall time %.1f s; files:%n", r.wallSeconds());
        for (Path f : files) {
            pw.println("  " + f);
        }
        pw.flush();
        return 0;
    }

    /** Adds {@code curator bench coreset}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "bench";
        }

        @Override
        public Object command() {
            return new CoresetCommand();
        }
    }
}
