package ai.curator.eval.bench.spark;

import ai.curator.eval.bench.ChildJvm;
import ai.curator.io.AtomicFiles;
import ai.curator.recipe.Json;
import ai.curator.spark.LocalSparkCluster;
import ai.curator.spark.SparkJvm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code curator bench spark}: the same recipe (given embeddings → low-rank sensitivity with losses
 * from a column → sensitivity sampling → Parquet export) on one machine, on Spark {@code local[C]}
 * and on a standalone cluster of workers on this machine, each in a fresh JVM, at several row counts
 * and partition counts. Measures wall time per stage (from the run's log), the peak resident memory
 * of every process (driver, executors; {@code VmHWM} from {@code /proc}), and from Spark's own event
 * log the executors' task time, input and shuffle bytes.
 */
final class SparkBench {
    /** What the command asked for. */
    record Options(
            List<Long> rows,
            int dims,
            List<Integer> partitions,
            String budget,
            int rank,
            double landmarks,
            int localCores,
            int workers,
            int workerCores,
            String executorMemory,
            String driverMemory,
            String oneMachineMemory,
            boolean oneMachine,
            boolean local,
            boolean cluster,
            long seed,
            Path work) {}

    /** One configuration's measurement. */
    record Run(
            long rows,
            String engine,
            int partitions,
            String status,
            double seconds,
            Map<String, Double> stages,
            long driverPeakRss,
            long executorPeakRss,
            int executors,
            long tasks,
            long failedTasks,
            double executorSeconds,
            long inputBytes,
            long shuffleWritten,
            long shuffleRead,
            long selected,
            String subset) {}

    private final Options o;
    private final PrintStream log;

    SparkBench(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    List<Run> run() throws Exception {
        Files.createDirectories(o.work());
        List<Run> runs = new ArrayList<>();
        LocalSparkCluster cluster = null;
        try {
            for (long n : o.rows()) {
                Path data = data(n);
                long bytes = Files.size(data);
                Path recipe = recipe(n, data);
                if (o.oneMachine()) {
                    runs.add(measure(n, "one machine", 0, recipe, bytes, null));
                }
                for (int p : o.partitions()) {
                    if (o.local()) {
                        runs.add(measure(n, "local[" + o.localCores() + "]", p, recipe, bytes, null));
                    }
                    if (o.cluster()) {
                        if (cluster == null) {
                            long t = System.nanoTime();
                            cluster = new LocalSparkCluster(
                                    Files.createDirectories(o.work().resolve("cluster")),
                                    o.workers(),
                                    o.workerCores(),
                                    o.executorMemory(),
                                    java("512m", List.of())); // the daemons' own heap
                            log.printf(
                                    Locale.ROOT,
                                    "bench spark: standalone cluster %s, %d workers x %d cores, up in %.1f s%n",
                                    cluster.master(),
                                    o.workers(),
                                    o.workerCores(),
                                    (System.nanoTime() - t) / 1e9);
                        }
                        runs.add(measure(
                                n, "standalone " + o.workers() + "x" + o.workerCores(), p, recipe, bytes, cluster));
                    }
                }
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        return runs;
    }

    /** The data file for {@code n} rows, generated once per (n, d, seed) and reused. */
    private Path data(long n) throws IOException, InterruptedException {
        Path f = o.work().resolve(String.format(Locale.ROOT, "data-n%d-d%d-s%d.parquet", n, o.dims(), o.seed()));
        if (Files.isRegularFile(f)) {
            log.printf(Locale.ROOT, "bench spark: data %s (%s, made earlier)%n", f, mib(Files.size(f)));
            return f;
        }
        long t = System.nanoTime();
        // in a child JVM: Arrow's native Parquet writer keeps its memory after the write (13 GB of RSS
        // at 10^7 rows x 384, measured), memory the runs the bench starts next need
        List<String> cmd = java("4g", List.of());
        cmd.addAll(List.of(
                SyntheticEmbeddings.class.getName(),
                Long.toString(ProcessHandle.current().pid()),
                f.toString(),
                Long.toString(n),
                Integer.toString(o.dims()),
                Long.toString(o.seed())));
        Path childLog = f.resolveSibling(f.getFileName() + ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(childLog.toFile())
                .start();
        int rc = p.waitFor();
        if (rc != 0 || !Files.isRegularFile(f)) {
            List<String> out = Files.readAllLines(childLog, StandardCharsets.UTF_8);
            throw new IOException("writing the bench data " + f + " failed (exit " + rc + "; " + childLog + "): "
                    + String.join("\n", out.subList(Math.max(0, out.size() - 20), out.size())));
        }
        log.printf(
                Locale.ROOT,
                "bench spark: wrote %s: %,d rows x %d float32 + id + loss, %s in %.1f s%n",
                f,
                n,
                o.dims(),
                mib(Files.size(f)),
                (System.nanoTime() - t) / 1e9);
        return f;
    }

    private Path recipe(long n, Path data) throws IOException {
        String text = "# curator bench spark: given embeddings -> low-rank sensitivity (losses from a column)\n"
                + "# -> sensitivity sampling -> Parquet\n"
                + "dataset:\n  path: " + data.toAbsolutePath() + "\n  id: id\n  features: ["
                + String.join(", ", SyntheticEmbeddings.featureNames(o.dims())) + "]\n"
                + "seed: " + o.seed() + "\n"
                + "stages:\n"
                + "  - embed: {method: features, standardize: false}\n"
                + "  - score: {method: low_rank_sensitivity, rank: " + o.rank() + ", landmarks: " + o.landmarks()
                + ", loss: {source: column, column: loss}}\n"
                + "  - select: {method: sensitivity_sampling, budget: '" + o.budget() + "'}\n"
                + "  - export: {formats: [parquet]}\n";
        Path f = o.work().resolve("recipe-n" + n + ".yaml");
        AtomicFiles.write(f, text.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private Run measure(long n, String engine, int partitions, Path recipe, long fileBytes, LocalSparkCluster cluster)
            throws Exception {
        String id = String.format(
                Locale.ROOT,
                "n%d-%s%s",
                n,
                engine.replaceAll("[^A-Za-z0-9]+", ""),
                partitions > 0 ? "-p" + partitions : "");
        Path dir = o.work().resolve("runs").resolve(id);
        AtomicFiles.deleteRecursively(dir);
        Path events = Files.createDirectories(dir.resolve("events"));
        List<String> jvm = new ArrayList<>();
        boolean spark = cluster != null || engine.startsWith("local");
        if (spark) {
            jvm.addAll(SparkJvm.options()); // what spark-submit adds on Java 17, whatever this JVM was started with
            // an even split of the file into `partitions` read tasks (Parquet splits at row groups)
            jvm.add("-Dspark.sql.files.maxPartitionBytes=" + (fileBytes / partitions + 1));
            jvm.add("-Dspark.sql.files.openCostInBytes=0");
            jvm.add("-Dspark.sql.shuffle.partitions=" + partitions);
            jvm.add("-Dspark.default.parallelism=" + partitions);
            jvm.add("-Dspark.eventLog.enabled=true");
            jvm.add("-Dspark.eventLog.dir=" + events.toUri());
            jvm.add("-Dspark.eventLog.compress=false");
            jvm.add("-Dspark.driver.maxResultSize=0");
            if (cluster != null) {
                jvm.add("-Dspark.driver.host=127.0.0.1");
                jvm.add("-Dspark.driver.bindAddress=127.0.0.1");
                jvm.add("-Dspark.executor.extraClassPath=" + System.getProperty("java.class.path"));
                jvm.add("-Dspark.executor.memory=" + o.executorMemory());
                jvm.add("-Dspark.executor.extraJavaOptions=--add-opens=java.base/java.nio=ALL-UNNAMED"
                        + " --add-modules=jdk.incubator.vector");
            }
        }
        List<String> cmd = java(spark ? o.driverMemory() : o.oneMachineMemory(), jvm);
        cmd.add("ai.curator.cli.CuratorCli");
        cmd.add("run");
        cmd.add(recipe.toString());
        cmd.add("-o");
        cmd.add(dir.resolve("out").toString());
        cmd.add("--force");
        if (spark) {
            cmd.add("--engine");
            cmd.add("spark");
            cmd.add("--master");
            cmd.add(cluster != null ? cluster.master() : "local[" + o.localCores() + "]");
        }
        Path runLog = dir.resolve("run.log");
        log.printf(
                Locale.ROOT,
                "bench spark: %,d rows on %s%s ...%n",
                n,
                engine,
                partitions > 0 ? ", " + partitions + " partitions" : "");
        long t = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(runLog.toFile())
                .start();
        Map<Long, Long> driverPeak = new ConcurrentHashMap<>();
        Map<Long, Long> executorPeak = new ConcurrentHashMap<>();
        Thread monitor = new Thread(() -> {
            while (p.isAlive()) {
                sample(p.toHandle(), driverPeak);
                p.toHandle().descendants().forEach(h -> sample(h, driverPeak));
                if (cluster != null) {
                    for (ProcessHandle d : cluster.daemons()) {
                        d.descendants().filter(SparkBench::isExecutor).forEach(h -> sample(h, executorPeak));
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        monitor.setDaemon(true);
        monitor.start();
        int rc = p.waitFor();
        double seconds = (System.nanoTime() - t) / 1e9;
        monitor.interrupt();
        monitor.join();
        String text = Files.readString(runLog, StandardCharsets.UTF_8);
        Map<String, Double> stages = stageSeconds(text);
        long selected = selected(text);
        String status = rc == 0 ? "ok" : "failed (exit " + rc + "; " + runLog + ")";
        long[] ev = spark ? eventTotals(events) : new long[6];
        Run r = new Run(
                n,
                engine,
                partitions,
                status,
                seconds,
                stages,
                driverPeak.values().stream().mapToLong(Long::longValue).max().orElse(0),
                executorPeak.values().stream().mapToLong(Long::longValue).max().orElse(0),
                executorPeak.size(),
                ev[0],
                ev[1],
                ev[2] / 1e3,
                ev[3],
                ev[4],
                ev[5],
                selected,
                rc == 0 ? subsetDigest(dir.resolve("out/subset.parquet")) : "");
        log.printf(
                Locale.ROOT,
                "bench spark:   %s in %.1f s; driver peak %s%s%s%n",
                status,
                seconds,
                mib(r.driverPeakRss()),
                cluster != null ? ", executor peak " + mib(r.executorPeakRss()) : "",
                spark ? ", shuffle " + mib(r.shuffleWritten()) + " written" : "");
        if (rc != 0) {
            List<String> lines = text.lines().toList();
            lines.subList(Math.max(0, lines.size() - 8), lines.size()).forEach(l -> log.println("    " + l));
        }
        return r;
    }

    /**
     * This JVM's {@code java} command line (options, class path) with the heap {@code xmx} instead of
     * its own and {@code options} added (those it already has once), ready for a main class.
     */
    private static List<String> java(String xmx, List<String> options) {
        List<String> cmd = new ArrayList<>();
        for (String a : ChildJvm.javaCommand()) {
            if (!a.startsWith("-Xmx")) {
                cmd.add(a);
            }
        }
        List<String> add = new ArrayList<>();
        add.add("-Xmx" + xmx);
        for (String o : options) {
            if (!cmd.contains(o)) {
                add.add(o);
            }
        }
        cmd.addAll(cmd.size() - 2, add); // before -cp CLASSPATH
        return cmd;
    }

    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private static final Pattern STAGE = Pattern.compile("^\\[(?:\\d+/\\d+ )?([a-z_]+)[^\\]]*\\] .*\\(([0-9.]+) s\\)$");
    private static final Pattern DONE = Pattern.compile("selected ([0-9,]+) of");

    /** Seconds per role from a run's log: {@code [score: low_rank_sensitivity] … (12.3 s)} (Spark), {@code [2/4 score low_rank_sensitivity] … (1.2 s)} (one machine). */
    static Map<String, Double> stageSeconds(String log) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : log.lines().toList()) {
            Matcher m = STAGE.matcher(line.strip());
            if (m.matches()) {
                out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    private static long selected(String log) {
        Matcher m = DONE.matcher(log);
        long v = -1;
        while (m.find()) {
            v = Long.parseLong(m.group(1).replace(",", ""));
        }
        return v;
    }

    private static boolean isExecutor(ProcessHandle h) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
                            StandardCharsets.UTF_8)
                    .contains(EXECUTOR_MAIN);
        } catch (IOException e) {
            return false;
        }
    }

    /** Peak resident memory (VmHWM) of a process, kept as the largest value seen. */
    private static void sample(ProcessHandle h, Map<Long, Long> peaks) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    peaks.merge(h.pid(), kb * 1024, Math::max);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
    }

    /**
     * From Spark's event log: tasks, failed attempts, executor run ms, input bytes, shuffle bytes
     * written and read, summed over every task end.
     */
    static long[] eventTotals(Path events) throws IOException {
        long[] t = new long[6];
        List<Path> files;
        try (Stream<Path> s = Files.walk(events)) { // Spark 4 rolls event logs: eventlog_v2_APP/events_1_APP
            files = s.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().startsWith("events_")
                            || f.getFileName().toString().startsWith("app-")
                            || f.getFileName().toString().startsWith("local-"))
                    .toList();
        }
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.contains("\"SparkListenerTaskEnd\"")) {
                        continue;
                    }
                    JsonNode e = Json.MAPPER.readTree(line);
                    boolean ok =
                            e.path("Task End Reason").path("Reason").asText().equals("Success");
                    t[ok ? 0 : 1]++;
                    JsonNode m = e.path("Task Metrics");
                    t[2] += m.path("Executor Run Time").asLong();
                    t[3] += m.path("Input Metrics").path("Bytes Read").asLong();
                    t[4] += m.path("Shuffle Write Metrics")
                            .path("Shuffle Bytes Written")
                            .asLong();
                    JsonNode sr = m.path("Shuffle Read Metrics");
                    t[5] += sr.path("Remote Bytes Read").asLong()
                            + sr.path("Local Bytes Read").asLong();
                }
            }
        }
        return t;
    }

    /**
     * The subset's identity: the first 16 hex digits of SHA-256 over its rows' (id, count, weight,
     * σ bits) in input order — equal digests are equal subsets. Reads one machine's Parquet file or
     * Spark's folder of part files.
     */
    static String subsetDigest(Path parquet) throws IOException {
        List<Path> files;
        if (Files.isDirectory(parquet)) {
            try (Stream<Path> s = Files.list(parquet)) {
                files = s.filter(f -> f.getFileName().toString().startsWith("part-"))
                        .sorted()
                        .toList();
            }
        } else {
            files = List.of(parquet);
        }
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path f : files) {
            ai.curator.io.RawTable t = ai.curator.io.ArrowIo.readParquet(f);
            Map<String, ai.curator.api.Column> cols = new LinkedHashMap<>();
            t.columns().forEach(c -> cols.put(c.name(), c));
            for (int i = 0; i < t.rows(); i++) {
                String row = cols.get("id").text(i) + " " + cols.get("count").text(i) + " "
                        + Double.doubleToLongBits(cols.get("weight").number(i)) + " "
                        + Double.doubleToLongBits(
                                cols.get("low_rank_sensitivity").number(i)) + "\n";
                md.update(row.getBytes(StandardCharsets.UTF_8));
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }

    static ObjectNode json(Options o, List<Run> runs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("options", Json.MAPPER.valueToTree(o));
        ArrayNode a = root.putArray("runs");
        for (Run r : runs) {
            a.add(Json.MAPPER.valueToTree(r));
        }
        return root;
    }
}
