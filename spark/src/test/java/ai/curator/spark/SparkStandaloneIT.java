package ai.curator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.RunSettings;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on this machine, loopback only: a master and two workers (one core
 * each) in their own JVMs, executors launched by the workers, the driver in this JVM. A recipe
 * submitted to {@code spark://127.0.0.1:PORT} gives the subset one machine gives — even though one
 * executor is killed (SIGKILL) while it runs a task of the run's 12th task start: Spark retries the
 * task, the worker launches a new executor, lost cached blocks are recomputed from their lineage.
 */
class SparkStandaloneIT {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // logs and work folders kept on failure
    Path dir;

    @Test
    void twoWorkerClusterDrawsWhatOneMachineDraws() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        StringBuilder b = new StringBuilder("id,a,b,c,d\n");
        for (int i = 0; i < 20_000; i++) {
            double u = r.nextDouble();
            b.append(i)
                    .append(String.format(
                            Locale.ROOT,
                            ",%.5f,%.5f,%.5f,%.5f%n",
                            u,
                            r.nextDouble(),
                            u * 2 + 0.1 * r.nextDouble(),
                            r.nextGaussian()));
        }
        Files.writeString(dir.resolve("t.csv"), b);
        Path f = dir.resolve("c.yaml");
        Files.writeString(
                f,
                "dataset: {path: t.csv}\nseed: 3\nstages:\n  - embed: {method: features}\n"
                        + "  - score: {method: low_rank_sensitivity, mode: basis, rank: 2, oversampling: 1}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 12.5%}\n  - export: {formats: [jsonl]}\n"
                        + "output: one\n");
        Recipe recipe = RecipeReader.read(f);
        Pipeline.build(recipe, StageRegistry.load()).run(RunSettings.quiet(true));
        List<String> one = SubsetRows.file(dir.resolve("one/subset.jsonl"), "low_rank_sensitivity");

        String cp = System.getProperty("java.class.path");
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : System.getProperty("curator.test.jvm.args", "").split(" ")) {
            if (!a.isBlank()) {
                java.add(a);
            }
        }
        java.addAll(List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", withSimpleLogger(cp)));
        LocalSparkCluster cluster = new LocalSparkCluster(dir, 2, 1, "1g", java);
        String master = cluster.master();
        try {
            String opens = System.getProperty("curator.test.jvm.args", "");
            System.setProperty("spark.driver.host", "127.0.0.1");
            System.setProperty("spark.driver.bindAddress", "127.0.0.1");
            System.setProperty("spark.executor.extraClassPath", cp);
            System.setProperty("spark.executor.extraJavaOptions", opens);
            System.setProperty("spark.executor.memory", "512m");
            System.setProperty("spark.extraListeners", KillOneExecutor.class.getName());
            KillOneExecutor.killed = null;
            Engine.Result res = new SparkEngine()
                    .run(
                            recipe.withOutput(dir.resolve("cluster")),
                            new Engine.Settings(master, false, new PrintStream(System.err)));
            assertEquals(20_000, res.rows());
        } finally {
            for (String p : List.of(
                    "spark.driver.host",
                    "spark.driver.bindAddress",
                    "spark.executor.extraClassPath",
                    "spark.executor.extraJavaOptions",
                    "spark.executor.memory",
                    "spark.extraListeners")) {
                System.clearProperty(p);
            }
            cluster.close();
        }
        List<String> spark = SubsetRows.folder(dir.resolve("cluster/subset.jsonl"), "low_rank_sensitivity");
        assertTrue(one.size() > 1000, one.size() + " rows");
        assertEquals(one, spark);
        assertTrue(KillOneExecutor.killed != null, "no executor was killed");
        long executors = 0;
        for (int w = 0; w < 2; w++) {
            try (Stream<Path> apps = Files.walk(dir.resolve("work" + w), 2)) {
                executors += apps.filter(
                                p -> p.getParent().getFileName().toString().startsWith("app-"))
                        .count();
            }
        }
        assertTrue(
                executors >= 3,
                "the workers launched " + executors + " executors; one replaces the killed " + KillOneExecutor.killed);
        for (int w = 0; w < 2; w++) {
            try (Stream<Path> apps = Files.list(dir.resolve("work" + w))) {
                assertTrue(
                        apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")),
                        "worker " + w + " launched no executor");
            }
        }
    }

    /**
     * Kills, once, the executor that runs the 12th task to start (by its {@code --executor-id}),
     * with SIGKILL: a lost executor mid-stage. Spark instantiates it from {@code spark.extraListeners}.
     */
    public static final class KillOneExecutor extends org.apache.spark.scheduler.SparkListener {
        static volatile String killed;
        private final java.util.concurrent.atomic.AtomicInteger starts =
                new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart start) {
            if (starts.incrementAndGet() != 12) {
                return;
            }
            String id = start.taskInfo().executorId();
            ProcessHandle.current()
                    .descendants()
                    .filter(h -> cmdline(h).contains("CoarseGrainedExecutorBackend")
                            && cmdline(h).contains("--executor-id\0" + id + "\0"))
                    .forEach(h -> {
                        killed = "executor " + id + " (pid " + h.pid() + ", task "
                                + start.taskInfo().id() + ")";
                        h.destroyForcibly();
                    });
        }

        private static String cmdline(ProcessHandle h) {
            try {
                return Files.readString(
                        Path.of("/proc", Long.toString(h.pid()), "cmdline"),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return "";
            }
        }
    }

    /** The class path with SLF4J's simple provider for the no-op one, so the daemons' logs say what they do. */
    private static String withSimpleLogger(String cp) {
        List<String> out = new ArrayList<>();
        for (String e : cp.split(java.io.File.pathSeparator)) {
            if (e.contains("slf4j-nop")) {
                Path simple = Path.of(e.replace("slf4j-nop", "slf4j-simple"));
                out.add(Files.isRegularFile(simple) ? simple.toString() : e);
            } else {
                out.add(e);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }
}
