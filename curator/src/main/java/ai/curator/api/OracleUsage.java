package ai.curator.api;

/**
 * What a loss oracle's calls cost: the expense sensitivity sampling exists to save, reported in
 * the scorer's provenance and summary line.
 *
 * @param rowsFetched rows the source computed in this run (model forward passes, server rows)
 * @param rowsCached rows answered from results kept by an earlier, interrupted run
 * @param tokens tokens the source scored for the fetched rows (0 when the source has no tokens)
 * @param requests calls to a server or model batches (0 when the source has none)
 */
public record OracleUsage(long rowsFetched, long rowsCached, long tokens, long requests) {
    /** No cost beyond the rows: closed-form and in-memory sources. */
    public static final OracleUsage NONE = new OracleUsage(0, 0, 0, 0);
}
