package ai.curator.score;

/**
 * Where a scorer's per-sample losses ℓ(i) come from — the {@code loss} option of scorers.
 *
 * <ul>
 *   <li>{@code squared_norm}: ℓ(x) = ‖x‖² of the embedding, the closed form of paper 003 §4.1
 *       (its basis losses ℓ(vᵢ) are 1: the basis vectors have unit norm).
 *   <li>{@code column}: the values of a numeric data column (e.g. losses a user computed with
 *       the target model), each finite and ≥ 0.
 *   <li>{@code logistic}: the log loss of each row under a logistic regression fitted on all rows
 *       (embeddings as features, {@code dataset.label} as the binary label; C and balanced class
 *       weights as options) — the "target model" of the credit-card experiment (003 §4.1).
 * </ul>
 * Language-model losses plug in here as further sources.
 *
 * @param source {@code squared_norm} (default), {@code column} or {@code logistic}
 * @param column the loss column ({@code column} source only)
 * @param c logistic regression's inverse regularisation, &gt; 0; default 1
 * @param balanced logistic regression's balanced class weights; default true
 */
public record LossSpec(String source, String column, Double c, Boolean balanced) {
    /** The source names. */
    public static final java.util.List<String> SOURCES = java.util.List.of("squared_norm", "column", "logistic");

    public LossSpec {
        source = source == null ? "squared_norm" : source;
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException("loss.source must be one of " + SOURCES + ", got '" + source + "'");
        }
        if (source.equals("column") && (column == null || column.isBlank())) {
            throw new IllegalArgumentException(
                    "loss.source 'column' needs loss.column: the numeric column holding each row's loss");
        }
        if (!source.equals("column") && column != null) {
            throw new IllegalArgumentException("loss.column applies only to loss.source 'column'");
        }
        c = c == null ? 1.0 : c;
        if (!(c > 0) || c.isInfinite()) {
            throw new IllegalArgumentException("loss.c must be > 0, got " + c);
        }
        balanced = balanced == null || balanced;
    }

    /** The default: ‖x‖². */
    public static LossSpec squaredNorm() {
        return new LossSpec(null, null, null, null);
    }
}
