package ai.curator.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What the executors did, summed from Spark's task-end events on the driver: tasks (and failed
 * attempts, which Spark retried), bytes read from input, shuffle bytes written and read, bytes
 * spilled, executor run and GC time. {@link #snapshot()} before and after a stage gives the stage's
 * share; the run's totals go to the log and the provenance.
 */
final class SparkMetrics extends SparkListener {
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong input = new AtomicLong();
    private final AtomicLong shuffleWritten = new AtomicLong();
    private final AtomicLong shuffleRead = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong runMs = new AtomicLong();
    private final AtomicLong gcMs = new AtomicLong();

    /** Totals at one moment; {@link #minus} gives what happened between two. */
    record Snapshot(
            long tasks,
            long failedTasks,
            long inputBytes,
            long shuffleWrittenBytes,
            long shuffleReadBytes,
            long spilledBytes,
            long executorRunMs,
            long executorGcMs) {

        Snapshot minus(Snapshot o) {
            return new Snapshot(
                    tasks - o.tasks,
                    failedTasks - o.failedTasks,
                    inputBytes - o.inputBytes,
                    shuffleWrittenBytes - o.shuffleWrittenBytes,
                    shuffleReadBytes - o.shuffleReadBytes,
                    spilledBytes - o.spilledBytes,
                    executorRunMs - o.executorRunMs,
                    executorGcMs - o.executorGcMs);
        }

        /** One line for the log, e.g. {@code 52 tasks, input 1.5 GB, shuffle 3.1 GB written / 3.1 GB read}. */
        String line() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d tasks", tasks));
            if (failedTasks > 0) {
                b.append(String.format(Locale.ROOT, " (%,d failed attempts, retried by Spark)", failedTasks));
            }
            b.append(", input ").append(bytes(inputBytes));
            b.append(", shuffle ")
                    .append(bytes(shuffleWrittenBytes))
                    .append(" written / ")
                    .append(bytes(shuffleReadBytes))
                    .append(" read");
            if (spilledBytes > 0) {
                b.append(", spilled ").append(bytes(spilledBytes));
            }
            b.append(String.format(
                    Locale.ROOT, ", executors %.1f s (GC %.1f s)", executorRunMs / 1e3, executorGcMs / 1e3));
            return b.toString();
        }

        void into(ObjectNode o) {
            o.put("tasks", tasks);
            o.put("failed_task_attempts", failedTasks);
            o.put("input_bytes", inputBytes);
            o.put("shuffle_written_bytes", shuffleWrittenBytes);
            o.put("shuffle_read_bytes", shuffleReadBytes);
            o.put("spilled_bytes", spilledBytes);
            o.put("executor_run_seconds", executorRunMs / 1e3);
            o.put("executor_gc_seconds", executorGcMs / 1e3);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!end.taskInfo().successful()) {
            failed.incrementAndGet();
        } else {
            tasks.incrementAndGet();
        }
        TaskMetrics m = end.taskMetrics();
        if (m == null) {
            return;
        }
        input.addAndGet(m.inputMetrics().bytesRead());
        shuffleWritten.addAndGet(m.shuffleWriteMetrics().bytesWritten());
        shuffleRead.addAndGet(m.shuffleReadMetrics().totalBytesRead());
        spilled.addAndGet(m.diskBytesSpilled());
        runMs.addAndGet(m.executorRunTime());
        gcMs.addAndGet(m.jvmGCTime());
    }

    /**
     * The totals once the driver has processed every event posted so far (Spark delivers task ends
     * asynchronously; waits at most 10 s, then takes what has arrived).
     */
    Snapshot settled(org.apache.spark.sql.SparkSession spark) {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        } catch (java.util.concurrent.TimeoutException e) {
            // a slow listener: the numbers lag, the run does not depend on them
        }
        return snapshot();
    }

    Snapshot snapshot() {
        return new Snapshot(
                tasks.get(),
                failed.get(),
                input.get(),
                shuffleWritten.get(),
                shuffleRead.get(),
                spilled.get(),
                runMs.get(),
                gcMs.get());
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
