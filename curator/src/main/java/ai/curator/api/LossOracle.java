package ai.curator.api;

/**
 * The expensive per-sample loss ℓ(i) of the target model (paper 003 §3.1), queried only on the rows
 * an algorithm chooses (landmarks, cluster representatives). Made by a {@link LossSourceProvider}.
 */
@FunctionalInterface
public interface LossOracle {
    /**
     * Losses of the given rows.
     *
     * @param rows row indices into the data matrix, each in {@code [0, N)}, distinct
     * @return one loss per requested row, in the same order; callers reject non-finite or negative
     *     values
     */
    double[] losses(int[] rows);

    /**
     * What the calls so far cost beyond their row count (tokens, requests, rows reused from an
     * earlier run). The default, for sources that compute in memory, is {@link OracleUsage#NONE}.
     */
    default OracleUsage usage() {
        return OracleUsage.NONE;
    }
}
