package ai.curator.pipeline;

import ai.curator.api.Progress;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Makes progress bars on stderr when it is a terminal. Elsewhere (a log file, CI, a pipe) a long
 * task prints a plain line every {@link #LINE_INTERVAL_MILLIS} instead — done, share, elapsed, ETA —
 * and a task shorter than that prints nothing.
 */
public final class ProgressBars {
    /** How often a task prints its progress line when stderr is not a terminal. */
    static final long LINE_INTERVAL_MILLIS = 30_000;

    private enum Mode {
        BAR,
        LINES,
        NONE
    }

    private final Mode mode;
    private final PrintStream err;
    private final long intervalNanos;

    /** @param enabled show bars (a console is attached and --quiet is off); false shows nothing */
    public ProgressBars(boolean enabled, PrintStream err) {
        this(enabled ? Mode.BAR : Mode.NONE, err, LINE_INTERVAL_MILLIS);
    }

    private ProgressBars(Mode mode, PrintStream err, long intervalMillis) {
        this.mode = mode;
        this.err = err;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Bars on a terminal, a line every {@code intervalMillis} elsewhere (for tests: a short interval). */
    static ProgressBars lines(PrintStream err, long intervalMillis) {
        return new ProgressBars(Mode.LINES, err, intervalMillis);
    }

    /** Bars on a terminal, periodic lines elsewhere, nothing under --quiet. */
    public static ProgressBars auto(boolean quiet, PrintStream err) {
        if (quiet) {
            return new ProgressBars(Mode.NONE, err, LINE_INTERVAL_MILLIS);
        }
        return System.console() != null
                ? new ProgressBars(Mode.BAR, err, LINE_INTERVAL_MILLIS)
                : lines(err, LINE_INTERVAL_MILLIS);
    }

    public Progress start(String task, long total) {
        if (mode == Mode.NONE || total <= 0) {
            return Progress.none();
        }
        if (mode == Mode.LINES) {
            return new LineProgress(task, total);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .build();
        return new Progress() {
            @Override
            public void step(long n) {
                bar.stepBy(n);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /** {@code "  embed bge-small-en: 1,024 / 5,103 (20%), 0:45 elapsed, ETA 3:00"} every interval. */
    private final class LineProgress implements Progress {
        private final String task;
        private final long total;
        private final long start = System.nanoTime();
        private long done;
        private long lastLine = start;

        LineProgress(String task, long total) {
            this.task = task;
            this.total = total;
        }

        @Override
        public synchronized void step(long n) {
            done += n;
            long now = System.nanoTime();
            if (now - lastLine < intervalNanos || done >= total) {
                return; // the stage's own summary line reports the end
            }
            lastLine = now;
            double elapsed = (now - start) / 1e9;
            double share = (double) done / total;
            err.printf(
                    Locale.ROOT,
                    "  %s: %,d / %,d (%.0f%%), %s elapsed, ETA %s%n",
                    task,
                    done,
                    total,
                    100 * share,
                    clock(elapsed),
                    done > 0 ? clock(elapsed / share * (1 - share)) : "?");
            err.flush();
        }

        @Override
        public void close() {}
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
