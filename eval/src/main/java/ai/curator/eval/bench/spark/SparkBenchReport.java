package ai.curator.eval.bench.spark;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code curator bench spark}'s Markdown: the runs side by side, then the 10⁹-row arithmetic from the measured costs. */
final class SparkBenchReport {
    private SparkBenchReport() {}

    private static final List<String> ROLES = List.of("load", "embed", "score", "select", "export");

    /** The heaps of the engines this bench ran: only those. */
    static String jvms(SparkBench.Options o) {
        List<String> parts = new java.util.ArrayList<>();
        if (o.oneMachine()) {
            parts.add("one machine's heap " + o.oneMachineMemory());
        }
        if (o.local() || o.cluster()) {
            parts.add("Spark driver's heap " + o.driverMemory());
        }
        if (o.cluster()) {
            parts.add("standalone: " + o.workers() + " workers x " + o.workerCores() + " cores, executors "
                    + o.executorMemory());
        }
        return String.join("; ", parts);
    }

    static String markdown(SparkBench.Options o, List<SparkBench.Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "# curator bench spark%n%nRecipe: %d given float32 dimensions -> low-rank sensitivity (rank %d, %.3g of"
                        + " rows as landmarks, losses from a column, kernel ridge) -> sensitivity sampling at %s ->"
                        + " Parquet. Seed %d. Each run in a fresh JVM (%s). Stage seconds are the run's own log; peak RSS is VmHWM of each"
                        + " process; task seconds, bytes read (input files and cached blocks) and shuffle bytes are Spark's event log; subset is the first 16 hex digits of"
                        + " SHA-256 over the exported rows' (id, count, weight bits, σ bits): equal digests, equal"
                        + " subsets.%n%n",
                o.dims(),
                o.rank(),
                o.landmarks(),
                o.budget(),
                o.seed(),
                jvms(o)));
        b.append(
                "| rows | engine | partitions | total s | load | embed | score | select | export | driver peak RSS |"
                        + " executor peak RSS | task s | input + cache reads | shuffle written | selected | subset | status |\n");
        b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (SparkBench.Run r : runs) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %,d | %s | %s | %.1f |",
                    r.rows(),
                    r.engine(),
                    r.partitions() > 0 ? Integer.toString(r.partitions()) : "–",
                    r.seconds()));
            for (String role : ROLES) {
                Double s = r.stages().get(role);
                b.append(s == null ? " – |" : String.format(Locale.ROOT, " %.1f |", s));
            }
            boolean spark = r.partitions() > 0;
            b.append(String.format(
                    Locale.ROOT,
                    " %s | %s | %s | %s | %s | %,d | %s | %s |%n",
                    SparkBench.mib(r.driverPeakRss()),
                    r.executors() > 0 ? SparkBench.mib(r.executorPeakRss()) + " (" + r.executors() + " JVMs)" : "–",
                    spark ? String.format(Locale.ROOT, "%.1f", r.executorSeconds()) : "–",
                    spark ? SparkBench.mib(r.inputBytes()) : "–",
                    spark ? SparkBench.mib(r.shuffleWritten()) : "–",
                    r.selected(),
                    r.subset(),
                    r.status()));
        }
        b.append('\n');
        Optional<SparkBench.Run> basis = runs.stream()
                .filter(r -> r.partitions() > 0 && r.status().equals("ok") && r.executorSeconds() > 0)
                .max(Comparator.comparingLong(SparkBench.Run::rows)
                        .thenComparing(r -> r.executors() > 0)
                        .thenComparingInt(SparkBench.Run::partitions));
        basis.ifPresent(r -> b.append(estimate(o, r)));
        return b.toString();
    }

    /** What 10⁹ rows need, scaled linearly from one measured Spark run. */
    static String estimate(SparkBench.Options o, SparkBench.Run r) {
        double n = 1e9;
        double perRowTask = r.executorSeconds() / r.rows();
        double cores = 100 * 4;
        double landmarkBytes = o.landmarks() * n * o.dims() * 4.0;
        double capShare = 1e6 / n;
        return String.format(
                Locale.ROOT,
                "## 10^9 rows, from the run of %,d rows on %s (%d partitions)%n%n"
                        + "- executor work: %.3g task-seconds per row -> %.3g core-hours for 10^9 rows; on 100"
                        + " executors x 4 cores, %.1f minutes if it scales linearly (it does in the rows: every"
                        + " executor pass is per row or per 16,384-row chunk);%n"
                        + "- input %.0f bytes and shuffle %.0f bytes written per row -> %.2f TB read and %.2f TB"
                        + " shuffled for 10^9 rows;%n"
                        + "- the driver: the landmark rows are collected to it for kernel ridge. At %.3g of 10^9 rows"
                        + " that is %.0f GB of float32 embeddings -- beyond any driver. At this scale set"
                        + " `landmarks: %.0e` (10^6 landmarks, %.1f GB) or lower: the fit's cost follows the landmark"
                        + " count, not N. The randomized SVD's small factorisations (d x (k + oversampling)) and the"
                        + " draw's per-block masses (%,d blocks of 4,096 rows, 8 bytes each) stay small.%n",
                r.rows(),
                r.engine(),
                r.partitions(),
                perRowTask,
                perRowTask * n / 3600,
                perRowTask * n / cores / 60,
                (double) r.inputBytes() / r.rows(),
                (double) r.shuffleWritten() / r.rows(),
                r.inputBytes() / (double) r.rows() * n / 1e12,
                r.shuffleWritten() / (double) r.rows() * n / 1e12,
                o.landmarks(),
                landmarkBytes / 1e9,
                capShare,
                1e6 * o.dims() * 4.0 / 1e9,
                (long) Math.ceil(n / 4096));
    }
}
