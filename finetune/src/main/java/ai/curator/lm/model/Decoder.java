package ai.curator.lm.model;

import ai.curator.api.Generator;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.Tokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Autoregressive decoding of a batch of prompts: greedy (temperature 0) or temperature and nucleus
 * (top-p) sampling as {@code transformers}' {@code generate} does it, stopping per row at the
 * end-of-sequence token, at a stop string (decoded incrementally with the checkpoint's tokenizer; the
 * text is cut before it), at {@code maxNewTokens} or at the end of the model's context.
 *
 * <p>Prompts are padded on the left, each row with its own positions (0 at its first real token) and
 * its padding hidden from every query, so a row's continuation does not depend on the others in its
 * batch (up to float rounding). With the KV cache each step feeds one token per row; without it
 * ({@code useCache = false}, for checking the cache) each step recomputes the whole sequence. A row
 * that finishes leaves the batch and the cache, so the rest do not pay for it.
 *
 * <p>Sampling: row {@code i} of a call draws from its own {@link SplittableRandom} seeded from {@code
 * settings.seed()} and {@code i}, so the same call gives the same text.
 */
public final class Decoder {
    /** Why a row stopped. */
    public enum Finish {
        /** The model produced its end-of-sequence token (not included). */
        EOS,
        /** A stop string appeared (the text is cut before it). */
        STOP,
        /** {@code maxNewTokens} tokens, or the model's context is full. */
        LENGTH
    }

    /**
     * One continuation.
     *
     * @param tokens the generated ids (end-of-sequence excluded; all tokens of a stop-string hit kept)
     * @param text the decoded continuation, cut before the first stop string
     * @param finish why it ended
     */
    public record Output(int[] tokens, String text, Finish finish) {}

    private final CausalLm lm;
    private final boolean useCache;

    /**
     * @param lm the model
     * @param useCache true: one token per step on a KV cache; false: recompute the whole sequence
     */
    public Decoder(CausalLm lm, boolean useCache) {
        this.lm = lm;
        this.useCache = useCache;
    }

    /**
     * Continuations of every prompt, in one batch.
     *
     * @param prompts token ids, each 1 to {@code maxPositions − 1} of them
     * @throws IllegalArgumentException naming the prompt that is empty, too long or out of the vocabulary
     */
    public List<Output> generate(List<int[]> prompts, Generator.Settings settings) {
        return generate(prompts, settings, new int[0]);
    }

    /**
     * Continuations of every prompt, in one batch, ending also at any of {@code stopIds} (a chat
     * format's end-of-turn token; reported as {@link Finish#EOS}, not included).
     */
    public List<Output> generate(List<int[]> prompts, Generator.Settings settings, int[] stopIds) {
        return generate(prompts, settings, stopIds, null);
    }

    /**
     * As {@link #generate(List, Generator.Settings, int[])}, row {@code b} sampling from {@code
     * seeds[b]} (null: from {@code settings.seed()} and {@code b}).
     */
    public List<Output> generate(List<int[]> prompts, Generator.Settings settings, int[] stopIds, long[] seeds) {
        ModelConfig c = lm.config();
        Tokenizer tok = lm.tokenizer();
        int rows = prompts.size();
        if (rows == 0) {
            return List.of();
        }
        int eos = c.eosId() >= 0 ? c.eosId() : tok.eos();
        int[] budget = new int[rows];
        for (int b = 0; b < rows; b++) {
            int len = prompts.get(b).length;
            if (len < 1) {
                throw new IllegalArgumentException("prompt " + b + " is empty; it needs at least one token (e.g. BOS)");
            }
            if (len >= c.maxPositions()) {
                throw new IllegalArgumentException("prompt " + b + " has " + len
                        + " tokens, leaving no room in the model's context of " + c.maxPositions());
            }
            budget[b] = Math.min(settings.maxNewTokens(), c.maxPositions() - len);
        }
        SplittableRandom[] rnd = new SplittableRandom[rows];
        for (int b = 0; b < rows; b++) {
            rnd[b] = new SplittableRandom(seeds != null ? seeds[b] : settings.seed() * 0x9E3779B97F4A7C15L + b);
        }
        int[][] generated = new int[rows][];
        int[] count = new int[rows];
        Finish[] finish = new Finish[rows];
        String[] text = new String[rows];
        for (int b = 0; b < rows; b++) {
            generated[b] = new int[budget[b]];
        }
        CausalLm.Batch batch = CausalLm.Batch.leftPadded(prompts, c);
        // Rows still decoding, by their index in prompts; finished rows leave the batch (and the cache).
        int[] active = java.util.stream.IntStream.range(0, rows).toArray();
        try (KvCache cache = useCache ? lm.newCache(rows) : null) {
            while (true) {
                float[] logits;
                try (NDManager m = lm.manager().newSubManager()) {
                    NDArray h = lm.hidden(m, batch, cache);
                    // [B, T, hidden] -> the last position's [B, hidden] (a cached step has T = 1 already)
                    NDArray last = batch.length() == 1 ? h : h.get(new NDIndex(":, -1"));
                    logits = lm.head(last).toFloatArray();
                }
                int vocab = c.vocabSize();
                int live = 0;
                int[] kept = new int[active.length];
                for (int r = 0; r < active.length; r++) {
                    int b = active[r];
                    float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                    int next = settings.temperature() == 0
                            ? argmax(row)
                            : sample(row, settings.temperature(), settings.topP(), rnd[b]);
                    if (next == eos || contains(stopIds, next)) {
                        finish[b] = Finish.EOS;
                    } else {
                        generated[b][count[b]++] = next;
                        if (!settings.stop().isEmpty()) {
                            String t = tok.decode(Arrays.copyOf(generated[b], count[b]));
                            int cut = firstStop(t, settings.stop());
                            if (cut >= 0) {
                                finish[b] = Finish.STOP;
                                text[b] = t.substring(0, cut);
                            }
                        }
                        if (finish[b] == null && count[b] == budget[b]) {
                            finish[b] = Finish.LENGTH;
                        }
                    }
                    if (finish[b] == null) {
                        kept[live++] = r;
                    }
                }
                if (live == 0) {
                    break;
                }
                if (live < active.length) {
                    kept = Arrays.copyOf(kept, live);
                    if (cache != null) {
                        cache.keep(kept);
                    }
                    int[] still = new int[live];
                    for (int i = 0; i < live; i++) {
                        still[i] = active[kept[i]];
                    }
                    active = still;
                }
                batch = useCache ? step(prompts, generated, count, active) : full(prompts, generated, count, active);
            }
        }
        List<Output> out = new ArrayList<>(rows);
        for (int b = 0; b < rows; b++) {
            int[] ids = Arrays.copyOf(generated[b], count[b]);
            out.add(new Output(ids, text[b] != null ? text[b] : tok.decode(ids), finish[b]));
        }
        return out;
    }

    /** The next cached step of the active rows: each one's last token at its next position. */
    private static CausalLm.Batch step(List<int[]> prompts, int[][] generated, int[] count, int[] active) {
        int rows = active.length;
        int[][] ids = new int[rows][1];
        int[][] pos = new int[rows][1];
        boolean[][] valid = new boolean[rows][1];
        for (int r = 0; r < rows; r++) {
            int b = active[r];
            ids[r][0] = generated[b][count[b] - 1];
            pos[r][0] = prompts.get(b).length + count[b] - 1;
            valid[r][0] = true;
        }
        return new CausalLm.Batch(ids, pos, valid);
    }

    /** The whole sequence of every active row so far, left-padded (the no-cache path). */
    private CausalLm.Batch full(List<int[]> prompts, int[][] generated, int[] count, int[] active) {
        List<int[]> seqs = new ArrayList<>(active.length);
        for (int b : active) {
            int[] p = prompts.get(b);
            int[] s = Arrays.copyOf(p, p.length + count[b]);
            System.arraycopy(generated[b], 0, s, p.length, count[b]);
            seqs.add(s);
        }
        return CausalLm.Batch.leftPadded(seqs, lm.config());
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Index of the earliest stop string in {@code text}, or -1. */
    static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            if (s.isEmpty()) {
                continue;
            }
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** The highest logit's index (the lowest index among ties). */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * A token drawn from softmax(logits / temperature) restricted, when {@code topP < 1}, to the
     * smallest set of most probable tokens whose mass reaches {@code topP} (the token that crosses it
     * included, as {@code transformers}' {@code TopPLogitsWarper} keeps it).
     */
    static int sample(float[] logits, double temperature, double topP, SplittableRandom rnd) {
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double[] p = new double[v];
        double total = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            total += p[i];
        }
        int[] order;
        int keep;
        if (topP < 1) {
            // Sort by probability, descending, ties by index: the key packs the float bits (positive, so
            // ordered like the values) above the complemented index.
            long[] keys = new long[v];
            for (int i = 0; i < v; i++) {
                keys[i] = ((long) Float.floatToIntBits((float) (p[i] / total)) << 32) | (0xFFFFFFFFL & ~i);
            }
            Arrays.sort(keys);
            order = new int[v];
            for (int r = 0; r < v; r++) {
                order[r] = ~(int) keys[v - 1 - r];
            }
            double cum = 0;
            keep = 0;
            while (keep < v && cum < topP * total) {
                cum += p[order[keep++]];
            }
            total = cum;
        } else {
            order = null;
            keep = v;
        }
        double u = rnd.nextDouble() * total;
        double acc = 0;
        for (int r = 0; r < keep; r++) {
            int i = order == null ? r : order[r];
            acc += p[i];
            if (u < acc) {
                return i;
            }
        }
        return order == null ? v - 1 : order[keep - 1];
    }
}
