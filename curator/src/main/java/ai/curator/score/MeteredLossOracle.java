package ai.curator.score;

import ai.curator.api.LossOracle;
import ai.curator.api.OracleUsage;
import ai.curator.api.StageContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A scorer's loss oracle with its cost counted — rows asked, seconds, and what the source reports
 * (tokens, requests, rows reused from an earlier run) — for the stage's provenance ({@code
 * details.oracle}) and its summary line, next to what scoring every row would have cost: the
 * saving sensitivity sampling exists for.
 */
public final class MeteredLossOracle implements LossOracle {
    private final LossOracle inner;
    private final String source;
    private long rows;
    private long nanos;

    public MeteredLossOracle(LossOracle inner, String source) {
        this.inner = inner;
        this.source = source;
    }

    @Override
    public double[] losses(int[] rows) {
        long t0 = System.nanoTime();
        try {
            return inner.losses(rows);
        } finally {
            this.rows += rows.length;
            nanos += System.nanoTime() - t0;
        }
    }

    @Override
    public OracleUsage usage() {
        return inner.usage();
    }

    /** Records the cost in the stage's provenance and adds it to the summary line. */
    public void report(StageContext ctx, int totalRows) {
        OracleUsage u = inner.usage();
        double seconds = Math.round(nanos / 1e7) / 100.0;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("source", source);
        o.put("rows", rows);
        o.put("rows_total", totalRows);
        o.put("seconds", seconds);
        if (!u.equals(OracleUsage.NONE)) {
            o.put("rows_fetched", u.rowsFetched());
            o.put("rows_cached", u.rowsCached());
            o.put("tokens", u.tokens());
            o.put("requests", u.requests());
        }
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "loss oracle %s: %,d of %,d rows (%.1f%%) in %.1f s",
                source,
                rows,
                totalRows,
                totalRows == 0 ? 0.0 : 100.0 * rows / totalRows,
                seconds));
        if (u.rowsCached() > 0) {
            s.append(String.format(Locale.ROOT, ", %,d kept from an earlier run", u.rowsCached()));
        }
        if (u.tokens() > 0 && u.rowsFetched() > 0) {
            long all = Math.round((double) u.tokens() / u.rowsFetched() * totalRows);
            o.put("tokens_all_rows_estimate", all);
            s.append(String.format(
                    Locale.ROOT,
                    ", %,d tokens in %,d requests; every row would be ≈ %,d tokens",
                    u.tokens(),
                    u.requests(),
                    all));
        }
        ctx.record("oracle", o);
        ctx.summary(s.toString());
    }
}
