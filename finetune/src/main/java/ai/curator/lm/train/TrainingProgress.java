package ai.curator.lm.train;

import ai.curator.api.Progress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows training progress: on a terminal a bar redrawn in place ({@code \r}) at most four times a
 * second, elsewhere (logs, CI) one line per tenth of the run; each with the update, the loss (mean
 * since the last line), the learning rate, training tokens per second and the time left. Optionally
 * also steps an {@link Progress} (e.g. the pipeline's bars) by one per update.
 */
public final class TrainingProgress implements Trainer.Listener {
    private final PrintStream out;
    private final boolean terminal;
    private final Progress progress;
    private long lastDraw;
    private double lossSum;
    private int lossCount;
    private long lastLine = -1;

    /**
     * @param out where to write (stderr for a CLI)
     * @param terminal redraw one line in place; otherwise print a line per tenth of the run
     * @param progress stepped by one per update; {@link Progress#none()} for none
     */
    public TrainingProgress(PrintStream out, boolean terminal, Progress progress) {
        this.out = out;
        this.terminal = terminal;
        this.progress = progress == null ? Progress.none() : progress;
    }

    @Override
    public void onStep(Trainer.StepInfo s) {
        progress.step(1);
        lossSum += s.loss();
        lossCount++;
        boolean last = s.step() >= s.totalSteps();
        if (terminal) {
            long now = System.nanoTime();
            if (last || now - lastDraw > 250_000_000L) {
                lastDraw = now;
                out.print("\r" + line(s, lossSum / lossCount) + (last ? "\n" : ""));
                out.flush();
                lossSum = 0;
                lossCount = 0;
            }
        } else {
            long tenth = s.step() * 10 / Math.max(1, s.totalSteps());
            if (last || tenth != lastLine) {
                lastLine = tenth;
                out.println(line(s, lossSum / lossCount));
                lossSum = 0;
                lossCount = 0;
            }
        }
    }

    /** One progress line, e.g. {@code [=====>    ] 12/100 loss 2.3451 lr 4.00e-05 1234 tok/s ETA 0:01:02}. */
    static String line(Trainer.StepInfo s, double loss) {
        int width = 20;
        int filled = (int) (width * s.step() / Math.max(1, s.totalSteps()));
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        bar.append(']');
        long eta = Math.round(s.etaSeconds());
        return String.format(
                Locale.ROOT,
                "%s %d/%d loss %.4f lr %.2e %.0f tok/s ETA %d:%02d:%02d",
                bar,
                s.step(),
                s.totalSteps(),
                loss,
                s.learningRate(),
                s.tokensPerSecond(),
                eta / 3600,
                eta / 60 % 60,
                eta % 60);
    }
}
