package ai.curator.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values of the tokens a {@link CausalLm} has already seen, per layer, for a batch of
 * rows: each new pass attends to them and appends its own. Which cached keys are padding is kept per
 * row, so left-padded prompts of different lengths share one cache.
 *
 * <p>Per layer, keys are kept transposed, [rows, kv heads, head dim, tokens], the layout the
 * attention's product takes, and values as [rows, kv heads, tokens, head dim].
 *
 * <p>Holds native memory: close it (or use try-with-resources). Not thread-safe.
 */
public final class KvCache implements AutoCloseable {
    final NDManager manager;
    final NDArray[] keys;
    final NDArray[] values;
    int rows;
    /** valid[b][j]: cached key j of row b is a real token (not padding); the first {@code length} used. */
    boolean[][] valid;

    int length;

    KvCache(NDManager parent, int layers, int rows) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.rows = rows;
        this.valid = new boolean[rows][16];
    }

    /** Tokens cached per row (padding included). */
    public int length() {
        return length;
    }

    /** Rows of the batch. */
    public int rows() {
        return rows;
    }

    /** Replaces layer {@code layer}'s keys and values (already concatenated with the old ones). */
    void put(int layer, NDArray k, NDArray v) {
        NDArray oldK = keys[layer];
        NDArray oldV = values[layer];
        k.attach(manager);
        v.attach(manager);
        keys[layer] = k;
        values[layer] = v;
        if (oldK != null && oldK != k) {
            oldK.close();
        }
        if (oldV != null && oldV != v) {
            oldV.close();
        }
    }

    /**
     * Keeps only the given rows, in that order (finished rows leave the batch, so later passes do not
     * compute them).
     */
    void keep(int[] kept) {
        long[] idx = new long[kept.length];
        boolean[][] v = new boolean[kept.length][];
        for (int i = 0; i < kept.length; i++) {
            idx[i] = kept[i];
            v[i] = valid[kept[i]];
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray index = Tensors.longs(m, idx, new ai.djl.ndarray.types.Shape(kept.length));
            for (int l = 0; l < keys.length; l++) {
                if (keys[l] != null) {
                    put(l, select(keys[l], index), select(values[l], index));
                }
            }
        }
        valid = v;
        rows = kept.length;
    }

    /** Rows {@code index} of {@code a} along its first axis (an embedding lookup: index_select on dim 0). */
    private static NDArray select(NDArray a, NDArray index) {
        long[] shape = a.getShape().getShape().clone();
        NDArray flat = a.reshape(shape[0], -1);
        shape[0] = index.getShape().get(0);
        return ai.djl.nn.core.Embedding.embedding(index, flat, ai.djl.ndarray.types.SparseFormat.DENSE)
                .singletonOrThrow()
                .reshape(new ai.djl.ndarray.types.Shape(shape));
    }

    /** Records that {@code newValid[b].length} tokens were appended to every row. */
    void append(boolean[][] newValid) {
        int add = newValid[0].length;
        if (length + add > valid[0].length) {
            int cap = Math.max(2 * valid[0].length, length + add);
            boolean[][] grown = new boolean[rows][cap];
            for (int b = 0; b < rows; b++) {
                System.arraycopy(valid[b], 0, grown[b], 0, length);
            }
            valid = grown;
        }
        for (int b = 0; b < rows; b++) {
            System.arraycopy(newValid[b], 0, valid[b], length, add);
        }
        length += add;
    }

    @Override
    public void close() {
        manager.close();
    }
}
