package ai.curator.pipeline;

import ai.curator.api.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Makes progress bars on stderr when it is a terminal; silent otherwise (logs, CI, pipes). */
public final class ProgressBars {
    private final boolean enabled;
    private final PrintStream err;

    /** @param enabled show bars (the CLI passes: a console is attached and --quiet is off) */
    public ProgressBars(boolean enabled, PrintStream err) {
        this.enabled = enabled;
        this.err = err;
    }

    /** Bars on a terminal, silence elsewhere. */
    public static ProgressBars auto(boolean quiet, PrintStream err) {
        return new ProgressBars(!quiet && System.console() != null, err);
    }

    public Progress start(String task, long total) {
        if (!enabled || total <= 0) {
            return Progress.none();
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
}
