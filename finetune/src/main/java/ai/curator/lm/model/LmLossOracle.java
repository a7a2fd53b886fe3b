package ai.curator.lm.model;

import ai.curator.api.LossOracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The target model's per-sample loss as the {@link LossOracle} a curation algorithm queries on the
 * rows it chooses: each row becomes a prompt/response {@link SequenceLoss.Example} (tokenised by the
 * caller's function) and its loss is the mean negative log-likelihood of the response.
 */
public final class LmLossOracle implements LossOracle {
    private final SequenceLoss loss;
    private final IntFunction<SequenceLoss.Example> examples;

    /**
     * @param loss the model's loss
     * @param examples row index → its example (prompt and response ids)
     */
    public LmLossOracle(SequenceLoss loss, IntFunction<SequenceLoss.Example> examples) {
        this.loss = Objects.requireNonNull(loss, "loss");
        this.examples = Objects.requireNonNull(examples, "examples");
    }

    @Override
    public double[] losses(int[] rows) {
        List<SequenceLoss.Example> batch = new ArrayList<>(rows.length);
        for (int r : rows) {
            batch.add(Objects.requireNonNull(examples.apply(r), () -> "no example for row " + r));
        }
        try {
            return loss.losses(batch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(rowMessage(e.getMessage(), rows), e);
        }
    }

    /** "example i ..." of the loss becomes "row rows[i] ...". */
    private static String rowMessage(String msg, int[] rows) {
        var m = java.util.regex.Pattern.compile("^example (\\d+)").matcher(String.valueOf(msg));
        return m.find() ? "row " + rows[Integer.parseInt(m.group(1))] + msg.substring(m.end()) : msg;
    }
}
