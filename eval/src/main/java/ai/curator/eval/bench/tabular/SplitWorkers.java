package ai.curator.eval.bench.tabular;

import ai.curator.api.StageException;
import ai.curator.eval.bench.tabular.TabularBench.Config;
import ai.curator.eval.bench.tabular.TabularBench.SplitResult;
import ai.curator.linalg.FloatMatrix;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Spreads the benchmark's splits over {@code workers} processes: this JVM runs splits 0, w, 2w, …
 * and each of {@code w − 1} child JVMs (same {@code java}, class path and JVM options) runs its own
 * share, then the parts are merged in split order.
 *
 * <p>Why processes, not threads: the task networks train single-threaded for reproducibility
 * ({@link ai.curator.learn.nn.Torch}), and DJL's PyTorch engine lets only one gradient collector
 * record at a time in a JVM, so one JVM uses one core for training. Every split is seeded on its own
 * (from the recipe seed, repeat and fold), so the rows are bit-identical for any number of workers;
 * only the seconds change, since the workers share the machine.
 *
 * <p>The data, settings and results travel as Java-serialised files in a temporary folder (an
 * exchange between processes of one build, never a format kept on disk); the folder is removed
 * afterwards, and the children are stopped if this JVM fails first.
 */
public final class SplitWorkers {
    private SplitWorkers() {}

    /** What a child needs: the data (raw features), the settings and the split indices it runs. */
    record Job(
            String name,
            int rows,
            int cols,
            float[] x,
            int[] y,
            List<String> classes,
            List<String> features,
            Config config,
            int[] splits)
            implements Serializable {}

    /**
     * Runs {@code splits} (the first splits of {@code data} under {@code c}; a child recomputes them
     * from the data and settings) over {@code c.workers()} processes, at most one per split.
     *
     * @throws StageException when a child cannot start or fails (its own message is in the output)
     */
    static List<SplitResult> run(TabularData data, Config c, List<Folds.Split> splits, Consumer<String> log) {
        int count = splits.size();
        int workers = Math.min(c.workers(), count);
        Path dir = null;
        List<Process> children = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> readers = new ArrayList<>();
        Object lock = new Object();
        Consumer<String> out = line -> {
            synchronized (lock) {
                log.accept(line);
            }
        };
        Thread stopChildren = new Thread(() -> children.forEach(Process::destroyForcibly), "bench-workers-stop");
        Runtime.getRuntime().addShutdownHook(stopChildren); // Ctrl-C or kill of this JVM stops the children too
        try {
            dir = Files.createTempDirectory("curator-bench-workers");
            float[] x = data.x().data(); // the benchmark's features are one array (Warmup, standardise need it)
            List<Path> results = new ArrayList<>();
            for (int w = 1; w < workers; w++) {
                Path job = dir.resolve("job-" + w + ".bin");
                Path result = dir.resolve("result-" + w + ".bin");
                write(
                        job,
                        new Job(
                                data.name(),
                                data.rows(),
                                data.x().cols(),
                                x,
                                data.y(),
                                data.classes(),
                                data.features(),
                                c,
                                share(w, workers, count)));
                Process p = new ProcessBuilder(
                                command(job, result, ProcessHandle.current().pid()))
                        .redirectInput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                children.add(p);
                readers.add(forward(p, out));
                results.add(result);
            }
            out.accept(String.format(
                    "running %d splits on %d worker processes (this one and %d more)", count, workers, workers - 1));
            List<SplitResult> all = new ArrayList<>();
            for (int i : share(0, workers, count)) {
                all.addAll(TabularBench.runSplits(data, c, splits, new int[] {i}, out));
                for (int w = 1; w < workers; w++) { // a failed worker stops the run now, not after this one's share
                    Process p = children.get(w - 1);
                    if (!p.isAlive() && p.exitValue() != 0) {
                        throw failed(w, workers, count, p.exitValue());
                    }
                }
            }
            for (int w = 1; w < workers; w++) {
                Process p = children.get(w - 1);
                int code = p.waitFor();
                readers.get(w - 1).join();
                if (code != 0) {
                    throw failed(w, workers, count, code);
                }
                @SuppressWarnings("unchecked")
                List<SplitResult> part = (List<SplitResult>) read(results.get(w - 1));
                all.addAll(part);
            }
            all.sort(Comparator.comparingInt(SplitResult::index));
            return all;
        } catch (IOException | ClassNotFoundException e) {
            throw new StageException("bench workers: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException("bench workers: interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException e) {
                // shutting down already: the hook stops the children
            }
            for (Process p : children) {
                p.destroyForcibly();
            }
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    private static StageException failed(int w, int workers, int count, int code) {
        return new StageException(
                "bench worker " + w + " of " + workers + " (splits " + Arrays.toString(share(w, workers, count))
                        + ") failed with exit code " + code + "; its message is in the output above");
    }

    /** A daemon thread that passes the child's output lines to {@code log} (so {@code -q} quiets the children too). */
    private static Thread forward(Process p, Consumer<String> log) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            log.accept(line);
                        }
                    } catch (IOException e) {
                        // the child is gone; its exit code says how
                    }
                },
                "bench-worker-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The split indices worker {@code w} of {@code workers} runs: w, w + workers, … below {@code count}. */
    static int[] share(int w, int workers, int count) {
        int[] out = new int[(count - w + workers - 1) / workers];
        for (int j = 0; j < out.length; j++) {
            out[j] = w + j * workers;
        }
        return out;
    }

    /** The child's command line: this JVM's {@code java}, options (debug agents left out) and class path. */
    static List<String> command(Path job, Path result, long parentPid) {
        List<String> cmd = ai.curator.eval.bench.ChildJvm.javaCommand();
        cmd.add(SplitWorkers.class.getName());
        cmd.add(job.toString());
        cmd.add(result.toString());
        cmd.add(Long.toString(parentPid));
        return cmd;
    }

    /** Exit code of a child whose parent is gone. */
    static final int ORPHANED = ai.curator.eval.bench.ChildJvm.ORPHANED;

    /**
     * A child: {@code JOB RESULT PARENT_PID}; runs the job's splits and writes their results. Exit 0
     * on success, 1 with a message on failure, {@value #ORPHANED} as soon as the parent process ends
     * (killed, or stopped with Ctrl-C), so no orphan keeps a core busy.
     */
    public static void main(String[] args) {
        ai.curator.eval.bench.ChildJvm.haltWhenParentEnds(Long.parseLong(args[2]));
        try {
            Job job = (Job) read(Path.of(args[0]));
            TabularData data = new TabularData(
                    job.name(),
                    new FloatMatrix(job.rows(), job.cols(), job.x()),
                    job.y(),
                    job.classes(),
                    job.features());
            Consumer<String> log = s -> {
                System.out.println(s);
                System.out.flush();
            };
            List<SplitResult> parts = TabularBench.runSplits(
                    data, job.config(), TabularBench.splits(data, job.config()), job.splits(), log);
            write(Path.of(args[1]), new ArrayList<>(parts));
            System.exit(0);
        } catch (Throwable e) {
            System.err.println("curator bench worker: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void write(Path file, Object o) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (ObjectOutputStream out =
                new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeObject(o);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Object read(Path file) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in =
                new ObjectInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            return in.readObject();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
