package ai.curator.score;

import ai.curator.api.CuratorException;
import ai.curator.api.DataException;
import ai.curator.api.LossOracle;
import ai.curator.api.OracleUsage;
import ai.curator.api.Progress;
import ai.curator.api.PromptResponse;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.api.StageException;
import ai.curator.api.Table;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loss oracle over each row's prompt and response that fetches in batches, several batches at
 * once, and keeps every loss it gets in a {@link LossCache}: rows already there are not asked
 * again, and when a batch fails for good the batches in flight finish (their losses kept), no new
 * one starts, and the error names the row and says a rerun resumes. The source supplies only
 * how one batch is scored ({@link BatchScorer}): a server request, a model's forward pass.
 *
 * <p>Losses do not depend on the batching, the concurrency or the order batches finish in.
 */
public final class ResumableLossOracle implements LossOracle {

    /** One row to score. */
    public record Item(int row, String id, String where, String prompt, String response) {}

    /**
     * One row's result.
     *
     * @param loss mean negative log-likelihood of the response tokens (or what the source
     *     defines), finite and ≥ 0
     * @param tokens tokens the source scored for the row (prompt and response), for the cost report
     */
    public record Scored(double loss, long tokens) {}

    /**
     * Scores one batch: one result per item, in order. Errors name the item ({@link Item#where});
     * a batch that fails part way throws {@link PartialFailure} with the results it has, which are
     * kept.
     */
    @FunctionalInterface
    public interface BatchScorer {
        List<Scored> score(List<Item> batch) throws InterruptedException;
    }

    /** A batch that failed after its first {@code scored().size()} items were scored. */
    public static final class PartialFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Scored> scored;

        /**
         * @param scored results of the batch's first items, in order
         * @param cause the failure of the next item
         */
        public PartialFailure(List<Scored> scored, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.scored = List.copyOf(scored);
        }

        /** Results of the batch's first items. */
        public List<Scored> scored() {
            return scored;
        }
    }

    private final StageContext ctx;
    private final String source;
    private final PromptResponse texts;
    private final LossCache cache;
    private final int batchSize;
    private final int concurrency;
    private final BatchScorer scorer;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong cachedRows = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    /**
     * @param ctx the scorer's context (table, progress)
     * @param source the source's name, for messages
     * @param texts each row's prompt and response (checked against the table here)
     * @param cache where fetched losses are kept
     * @param batchSize rows per {@link BatchScorer#score} call, ≥ 1
     * @param concurrency batches in flight at once, ≥ 1
     * @param scorer scores one batch
     */
    public ResumableLossOracle(
            StageContext ctx,
            String source,
            PromptResponse texts,
            LossCache cache,
            int batchSize,
            int concurrency,
            BatchScorer scorer) {
        if (batchSize < 1 || concurrency < 1) {
            throw new IllegalArgumentException("batch size and concurrency must be >= 1");
        }
        this.ctx = ctx;
        this.source = source;
        this.texts = texts;
        this.cache = cache;
        this.batchSize = batchSize;
        this.concurrency = concurrency;
        this.scorer = scorer;
        texts.check(ctx.table(), "the data");
    }

    /** Hex SHA-256 of a row's prompt and response (what a cached loss must match). */
    static String textSha(PromptResponse.Text t) {
        return ai.curator.io.FileIo.sha256((t.prompt() + '\u0000' + t.response()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public double[] losses(int[] rows) {
        Table table = ctx.table();
        double[] out = new double[rows.length];
        List<Item> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        List<String> missingSha = new ArrayList<>();
        for (int j = 0; j < rows.length; j++) {
            int r = rows[j];
            PromptResponse.Text t = texts.text(table, r);
            String sha = textSha(t);
            String id = table.idText(r);
            LossCache.Entry e = cache.get(id, sha);
            if (e != null) {
                out[j] = e.loss();
                cachedRows.incrementAndGet();
                continue;
            }
            long line = table.sourceLine(r);
            String where = "row id '" + id + "'" + (line > 0 ? " (line " + line + ")" : "");
            missing.add(new Item(r, id, where, t.prompt(), t.response()));
            missingAt.add(j);
            missingSha.add(sha);
        }
        if (missing.isEmpty()) {
            return out;
        }
        if (cachedRows.get() > 0) {
            ctx.log(String.format(
                    "loss source %s: %,d of %,d rows from %s; fetching %,d",
                    source, rows.length - missing.size(), rows.length, cache.file(), missing.size()));
        }
        int nb = (missing.size() + batchSize - 1) / batchSize;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, nb), r -> {
            Thread t = new Thread(r, "curator-loss-" + source);
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        try (Progress progress = ctx.progress("loss oracle (" + source + ")", missing.size())) {
            for (int b = 0; b < nb; b++) {
                int from = b * batchSize;
                int to = Math.min(missing.size(), from + batchSize);
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        List<Item> batch = missing.subList(from, to);
                        batches.incrementAndGet();
                        List<Scored> got;
                        try {
                            got = scorer.score(batch);
                        } catch (PartialFailure pf) {
                            keep(batch, pf.scored(), from, missingSha, missingAt, out);
                            throw (RuntimeException) pf.getCause();
                        }
                        if (got == null || got.size() != batch.size()) {
                            throw new StageException("loss source " + source + " returned "
                                    + (got == null ? "nothing" : got.size() + " losses") + " for " + batch.size()
                                    + " rows, starting at " + batch.get(0).where());
                        }
                        keep(batch, got, from, missingSha, missingAt, out);
                        progress.step(batch.size());
                        return null;
                    } catch (Throwable t) {
                        failed.set(true);
                        throw t;
                    }
                }));
            }
            Throwable first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.set(true);
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw kept(first);
            }
        } finally {
            pool.shutdownNow();
            cache.close();
        }
        return out;
    }

    /** Checks and keeps the results of the first {@code got.size()} items of a batch. */
    private void keep(
            List<Item> batch,
            List<Scored> got,
            int from,
            List<String> missingSha,
            List<Integer> missingAt,
            double[] out) {
        for (int i = 0; i < got.size(); i++) {
            Scored s = got.get(i);
            if (!Double.isFinite(s.loss()) || s.loss() < 0) {
                throw new DataException("loss source " + source + " gave " + s.loss() + " for "
                        + batch.get(i).where() + "; losses must be finite and >= 0");
            }
            cache.put(batch.get(i).id(), missingSha.get(from + i), s.loss(), s.tokens());
            out[missingAt.get(from + i)] = s.loss();
            fetched.incrementAndGet();
            tokens.addAndGet(s.tokens());
        }
    }

    /** The failure, its message followed by what is kept for a rerun. */
    private RuntimeException kept(Throwable t) {
        String note = cache.size() == 0
                ? " (no loss was fetched)"
                : " (" + String.format("%,d", cache.size()) + " losses fetched so far are kept in " + cache.file()
                        + "; a rerun asks only for the rest)";
        String msg = (t.getMessage() == null ? t.toString() : t.getMessage()) + note;
        if (t instanceof DataException) {
            return new DataException(msg, t);
        }
        if (t instanceof RecipeException) {
            return new RecipeException(msg, t);
        }
        if (t instanceof CuratorException) {
            return new StageException(msg, t);
        }
        if (t instanceof InterruptedException) {
            return new StageException("interrupted while fetching losses" + note, t);
        }
        return new StageException("loss source " + source + " failed: " + msg, t);
    }

    @Override
    public OracleUsage usage() {
        return new OracleUsage(fetched.get(), cachedRows.get(), tokens.get(), batches.get());
    }
}
