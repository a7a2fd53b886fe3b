package ai.curator.linalg;

import java.util.SplittableRandom;

/**
 * A dense row-major {@code rows × cols} matrix of {@code float}, the embedding/feature matrix type
 * (N samples × d dimensions) of curator's numeric kernels.
 *
 * <p><b>Storage.</b> Up to {@link #MAX_ELEMENTS} values (about 2.1e9 floats, 8.6 GB — e.g. 5.5e6
 * × 384) live in one Java {@code float[]}, reachable through {@link #data()}. Larger matrices
 * (10⁷ × 384 is 3.8e9 floats) are stored in <em>row chunks</em>: {@link #chunkCount()} arrays of
 * {@link #chunkRows()} whole rows each (a multiple of {@value #CHUNK_ALIGN} rows, so that no
 * row block of a kernel or of a reduction straddles two chunks — results are bit-identical to the
 * one-array form). Row access, {@link #multiply}, {@link #transposeMultiply}, {@link
 * #rowSquaredNorms}, {@link #requireFinite}, {@link #selectRows} and the randomized SVD work on
 * both; code that needs one array calls {@link #data()}, which names the limit for a chunked
 * matrix.
 *
 * <p>The heavy kernels run over row blocks on the common fork-join pool (all cores). Products
 * accumulate in float over short inner loops and in double across row blocks, so results over 1e6
 * rows keep ~1e-6 relative accuracy. The matrix is mutable only through {@link #set}, {@link
 * #setRow} and the arrays; kernels never mutate their inputs.
 */
public final class FloatMatrix implements TallMatrix, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest number of values in one backing array (the JVM's array limit). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    /** Chunk row counts are multiples of this ({@link Parallel#REDUCTION_CHUNK} is one too). */
    static final int CHUNK_ALIGN = 256;

    private final int rows;
    private final int cols;
    /** Rows per chunk; {@code max(rows, 1)} for a one-array matrix. */
    private final int chunkRows;

    private final float[][] chunks;
    /** {@code chunks[0]} for a one-array matrix, else null. */
    private final float[] data;

    /** A zero matrix, in row chunks when it holds more than {@link #MAX_ELEMENTS} values. */
    public FloatMatrix(int rows, int cols) {
        this(rows, cols, defaultChunkRows(rows, cols));
    }

    /**
     * Wraps (does not copy) a row-major array.
     *
     * @param data length must be exactly {@code rows * cols}
     */
    public FloatMatrix(int rows, int cols, float[] data) {
        int size = checkedSize(rows, cols);
        if (data == null || data.length != size) {
            throw new IllegalArgumentException("FloatMatrix data length must be rows*cols = " + size + ", got "
                    + (data == null ? "null" : data.length));
        }
        this.rows = rows;
        this.cols = cols;
        this.chunkRows = Math.max(rows, 1);
        this.chunks = new float[][] {data};
        this.data = data;
    }

    private FloatMatrix(int rows, int cols, int chunkRows) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("FloatMatrix shape must be non-negative, got " + rows + "x" + cols);
        }
        long bytes = 4L * rows * cols;
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new IllegalArgumentException(String.format(
                    java.util.Locale.ROOT,
                    "FloatMatrix %dx%d needs %.1f GiB, more than the %.1f GiB this JVM may use: raise the"
                            + " heap limit (e.g. JAVA_OPTS=-Xmx%dg) or use fewer rows",
                    rows,
                    cols,
                    bytes / 1073741824.0,
                    max / 1073741824.0,
                    (bytes >> 30) + 4));
        }
        if (chunkRows >= rows) {
            this.chunkRows = Math.max(rows, 1);
            this.data = new float[checkedSize(rows, cols)];
            this.chunks = new float[][] {data};
        } else {
            if (chunkRows <= 0 || chunkRows % CHUNK_ALIGN != 0 || (long) chunkRows * cols > MAX_ELEMENTS) {
                throw new IllegalArgumentException("FloatMatrix chunk of " + chunkRows + " rows x " + cols
                        + " columns: must be a positive multiple of " + CHUNK_ALIGN + " rows holding at most "
                        + MAX_ELEMENTS + " values");
            }
            this.chunkRows = chunkRows;
            int count = (rows + chunkRows - 1) / chunkRows;
            this.chunks = new float[count][];
            for (int c = 0; c < count; c++) {
                chunks[c] = new float[Math.min(chunkRows, rows - c * chunkRows) * cols];
            }
            this.data = null;
        }
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * A zero matrix stored in chunks of {@code chunkRows} rows (a multiple of {@value #CHUNK_ALIGN});
     * one array when {@code chunkRows >= rows}. For tests of the chunked paths on small data.
     */
    public static FloatMatrix chunked(int rows, int cols, int chunkRows) {
        return new FloatMatrix(rows, cols, chunkRows);
    }

    /** One array when it fits, else the largest aligned chunk that fits (a multiple of 16,384 rows if it can). */
    private static int defaultChunkRows(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("FloatMatrix shape must be non-negative, got " + rows + "x" + cols);
        }
        if ((long) rows * cols <= MAX_ELEMENTS) {
            return Math.max(rows, 1);
        }
        long fit = MAX_ELEMENTS / cols;
        long big = fit / Parallel.REDUCTION_CHUNK * Parallel.REDUCTION_CHUNK;
        long aligned = big > 0 ? big : fit / CHUNK_ALIGN * CHUNK_ALIGN;
        if (aligned <= 0) {
            throw new IllegalArgumentException("FloatMatrix " + rows + "x" + cols + ": a chunk of " + CHUNK_ALIGN
                    + " rows of " + cols + " columns exceeds " + MAX_ELEMENTS + " values");
        }
        return (int) aligned;
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("FloatMatrix shape must be non-negative, got " + rows + "x" + cols);
        }
        long n = (long) rows * cols;
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("FloatMatrix " + rows + "x" + cols + " has " + n
                    + " elements, more than the " + MAX_ELEMENTS + " one float[] can hold");
        }
        return (int) n;
    }

    /** Copies a rectangular {@code double[][]} (rows of equal length). */
    public static FloatMatrix of(double[][] values) {
        int r = values.length;
        int c = r == 0 ? 0 : values[0].length;
        FloatMatrix m = new FloatMatrix(r, c);
        for (int i = 0; i < r; i++) {
            if (values[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + values[i].length + " columns, expected " + c);
            }
            for (int j = 0; j < c; j++) {
                m.set(i, j, (float) values[i][j]);
            }
        }
        return m;
    }

    /** Copies a rectangular {@code float[][]}. */
    public static FloatMatrix of(float[][] values) {
        int r = values.length;
        int c = r == 0 ? 0 : values[0].length;
        FloatMatrix m = new FloatMatrix(r, c);
        for (int i = 0; i < r; i++) {
            if (values[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + values[i].length + " columns, expected " + c);
            }
            m.setRow(i, values[i], 0);
        }
        return m;
    }

    /** A matrix of i.i.d. standard normal entries drawn from {@code rnd}. */
    public static FloatMatrix gaussian(int rows, int cols, SplittableRandom rnd) {
        FloatMatrix m = new FloatMatrix(rows, cols);
        for (float[] c : m.chunks) {
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) Rand.gaussian(rnd);
            }
        }
        return m;
    }

    /** Converts a row-major {@code double[]} of shape {@code rows × cols}. */
    public static FloatMatrix fromDoubles(int rows, int cols, double[] values) {
        FloatMatrix m = new FloatMatrix(rows, cols);
        float[] md = m.data();
        for (int i = 0; i < values.length; i++) {
            md[i] = (float) values[i];
        }
        return m;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Whether the values live in one array ({@link #data()}); false for a chunked matrix. */
    public boolean isSingleArray() {
        return data != null;
    }

    /**
     * The backing row-major array (not a copy): element (i, j) is at {@code i * cols() + j}.
     *
     * @throws IllegalStateException for a matrix stored in row chunks (over {@link #MAX_ELEMENTS}
     *     values): the message names the operation's limit
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("this operation needs the " + rows + " x " + cols
                    + " matrix in one array, which holds at most " + MAX_ELEMENTS / Math.max(1, cols)
                    + " rows of " + cols + " values; use fewer rows (or fewer dimensions) for it");
        }
        return data;
    }

    /** Rows per storage chunk ({@code max(rows, 1)} for a one-array matrix). */
    public int chunkRows() {
        return chunkRows;
    }

    /** Number of storage chunks (1 for a one-array matrix). */
    public int chunkCount() {
        return chunks.length;
    }

    /** Storage chunk {@code c}: rows {@code [c·chunkRows(), …)} row-major (not a copy). */
    public float[] chunk(int c) {
        return chunks[c];
    }

    /** The array holding row {@code i}. */
    private float[] rowArray(int i) {
        return chunks[i / chunkRows];
    }

    /** Where row {@code i} starts in {@link #rowArray}. */
    private int rowStart(int i) {
        return (i % chunkRows) * cols;
    }

    public float get(int i, int j) {
        if (data != null) {
            return data[i * cols + j];
        }
        return rowArray(i)[rowStart(i) + j];
    }

    public void set(int i, int j, float v) {
        if (data != null) {
            data[i * cols + j] = v;
        } else {
            rowArray(i)[rowStart(i) + j] = v;
        }
    }

    /** Offset of row {@code i} in {@link #data()}. */
    public int rowOffset(int i) {
        return i * cols;
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        float[] out = new float[cols];
        copyRow(i, out);
        return out;
    }

    /** Copies row {@code i} into {@code dst[0..cols)}. */
    public void copyRow(int i, float[] dst) {
        System.arraycopy(rowArray(i), rowStart(i), dst, 0, cols);
    }

    /** Overwrites row {@code i} with {@code src[off..off+cols)}. */
    public void setRow(int i, float[] src, int off) {
        System.arraycopy(src, off, rowArray(i), rowStart(i), cols);
    }

    /** Row {@code i} as doubles. */
    public double[] rowAsDouble(int i) {
        double[] out = new double[cols];
        float[] c = rowArray(i);
        int o = rowStart(i);
        for (int j = 0; j < cols; j++) {
            out[j] = c[o + j];
        }
        return out;
    }

    /** A new matrix holding the given rows, in the given order (duplicates allowed). */
    public FloatMatrix selectRows(int[] rowIds) {
        FloatMatrix m = new FloatMatrix(rowIds.length, cols);
        for (int r = 0; r < rowIds.length; r++) {
            int i = rowIds[r];
            if (i < 0 || i >= rows) {
                throw new IllegalArgumentException("row id " + i + " out of range [0, " + rows + ")");
            }
            m.setRow(r, rowArray(i), rowStart(i));
        }
        return m;
    }

    /** The first {@code n} columns as a new matrix. */
    public FloatMatrix leftColumns(int n) {
        if (n < 0 || n > cols) {
            throw new IllegalArgumentException("leftColumns(" + n + ") of a matrix with " + cols + " columns");
        }
        FloatMatrix m = new FloatMatrix(rows, n);
        for (int i = 0; i < rows; i++) {
            m.setRow(i, rowArray(i), rowStart(i));
        }
        return m;
    }

    public FloatMatrix copy() {
        if (data != null) {
            return new FloatMatrix(rows, cols, data.clone());
        }
        FloatMatrix m = new FloatMatrix(rows, cols, chunkRows);
        for (int c = 0; c < chunks.length; c++) {
            System.arraycopy(chunks[c], 0, m.chunks[c], 0, chunks[c].length);
        }
        return m;
    }

    public FloatMatrix transpose() {
        FloatMatrix t = new FloatMatrix(cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t.set(j, i, get(i, j));
            }
        }
        return t;
    }

    /** Row-major doubles (a copy); needs a one-array matrix. */
    public double[] toDoubles() {
        float[] v = data();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** A body run on rows {@code [s, e)}, which are rows {@code [local0, local0 + e - s)} of {@code a}. */
    @FunctionalInterface
    public interface RowBlockBody {
        void run(float[] a, int local0, int s, int e);
    }

    /**
     * Runs {@code body} in parallel over row blocks of at least {@code minRows} rows that never
     * straddle two storage chunks (block boundaries depend on the shape only, never on the cores).
     */
    public void forRowBlocks(int minRows, RowBlockBody body) {
        if (data != null) {
            Parallel.forBlocks(rows, Parallel.blockSize(rows, minRows), (s, e) -> body.run(data, s, s, e));
            return;
        }
        for (int c = 0; c < chunks.length; c++) {
            int base = c * chunkRows;
            int len = Math.min(chunkRows, rows - base);
            float[] a = chunks[c];
            Parallel.forBlocks(len, Parallel.blockSize(len, minRows), (s, e) -> body.run(a, s, base + s, base + e));
        }
    }

    /**
     * Throws if any entry is NaN or infinite, naming the first bad row and column.
     *
     * @param what a name for the message, e.g. "embeddings"
     */
    public void requireFinite(String what) {
        long[] bad = {-1};
        forRowBlocks(1024, (a, l0, s, e) -> {
            if (Kernels.allFinite(a, l0 * cols, (l0 + e - s) * cols)) {
                return;
            }
            for (int i = s; i < e; i++) {
                int o = (l0 + i - s) * cols;
                for (int j = 0; j < cols; j++) {
                    if (!Float.isFinite(a[o + j])) {
                        synchronized (bad) {
                            long at = (long) i * cols + j;
                            if (bad[0] < 0 || at < bad[0]) {
                                bad[0] = at;
                            }
                        }
                        return;
                    }
                }
            }
        });
        if (bad[0] >= 0) {
            int i = (int) (bad[0] / cols);
            int j = (int) (bad[0] % cols);
            throw new IllegalArgumentException(
                    what + " must be finite: row " + i + ", column " + j + " is " + get(i, j));
        }
    }

    /** Squared Euclidean norm of each row ({@link Kernels#dot}: float partial sums, then double). */
    public double[] rowSquaredNorms() {
        double[] out = new double[rows];
        forRowBlocks(1024, (a, l0, s, e) -> {
            for (int i = s; i < e; i++) {
                int o = (l0 + i - s) * cols;
                out[i] = Kernels.dot(a, o, a, o, cols);
            }
        });
        return out;
    }

    /** Euclidean norm of each row. */
    public double[] rowNorms() {
        double[] sq = rowSquaredNorms();
        for (int i = 0; i < sq.length; i++) {
            sq[i] = Math.sqrt(sq[i]);
        }
        return sq;
    }

    /**
     * {@code this · w}: ({@code N × d}) times ({@code d × k}) → {@code N × k}, multi-threaded over row
     * blocks. Cost {@code N·d·k} multiply-adds; memory {@code N·k} floats for the result.
     */
    public FloatMatrix multiply(FloatMatrix w) {
        if (w.rows != cols) {
            throw new IllegalArgumentException(
                    "multiply: inner dimensions differ: " + rows + "x" + cols + " · " + w.rows + "x" + w.cols);
        }
        FloatMatrix out = new FloatMatrix(rows, w.cols);
        float[] wd = w.data();
        int k = w.cols;
        forRowBlocks(64, (a, l0, s, e) -> {
            if (out.data != null) {
                Kernels.gemmRows(a, cols, l0, l0 + e - s, wd, k, out.data, s);
            } else {
                float[] tmp = new float[(e - s) * k];
                Kernels.gemmRows(a, cols, l0, l0 + e - s, wd, k, tmp, 0);
                for (int i = s; i < e; i++) {
                    out.setRow(i, tmp, (i - s) * k);
                }
            }
        });
        return out;
    }

    /**
     * {@code thisᵀ · y} in double for tall matrices: ({@code N × d})ᵀ times ({@code N × l}) → a
     * row-major {@code d × l} {@code double[]}. Blocks of 256 rows accumulate in float ({@link
     * Kernels#transposeAccumulate}), are summed in double per fixed chunk of {@value
     * Parallel#REDUCTION_CHUNK} rows, and the chunks in order: the same result on any machine and
     * for any storage chunking (chunks hold multiples of 256 rows).
     */
    public double[] transposeMultiply(FloatMatrix y) {
        if (y.rows != rows) {
            throw new IllegalArgumentException("transposeMultiply: row counts differ: " + rows + " vs " + y.rows);
        }
        int d = cols;
        int l = y.cols;
        int chunks = Parallel.reductionChunks(rows);
        double[][] partial = new double[chunks][];
        int per = Parallel.REDUCTION_CHUNK;
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
            int s = c * per;
            int e = Math.min(rows, s + per);
            double[] acc = new double[d * l];
            for (int b = s; b < e; b += 256) {
                int n = Math.min(e, b + 256) - b;
                Kernels.transposeAccumulate(
                        this.chunks[b / chunkRows],
                        b % chunkRows,
                        d,
                        y.chunks[b / y.chunkRows],
                        b % y.chunkRows,
                        l,
                        n,
                        acc);
            }
            partial[c] = acc;
        });
        double[] out = new double[d * l];
        for (double[] p : partial) {
            if (p != null) {
                for (int t = 0; t < out.length; t++) {
                    out[t] += p[t];
                }
            }
        }
        return out;
    }

    @Override
    public FloatMatrix times(FloatMatrix w) {
        return multiply(w);
    }

    /** {@link #transposeMultiply}; {@code y} must be a {@link FloatMatrix}. */
    @Override
    public double[] transposeTimes(TallMatrix y) {
        if (!(y instanceof FloatMatrix f)) {
            throw new IllegalArgumentException("transposeTimes: a FloatMatrix pairs with a FloatMatrix, got " + y);
        }
        return transposeMultiply(f);
    }

    @Override
    public FloatMatrix withRandomColumns(int l, java.util.SplittableRandom rnd) {
        FloatMatrix next = new FloatMatrix(rows, l);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < l; c++) {
                next.set(i, c, c < cols ? get(i, c) : (float) Rand.gaussian(rnd));
            }
        }
        return next;
    }

    /** Gram matrix {@code thisᵀ · this} ({@code cols × cols}, double, row-major). */
    public double[] gram() {
        return transposeMultiply(this);
    }

    /** Column means (double). */
    public double[] columnMeans() {
        double[] m = new double[cols];
        for (int i = 0; i < rows; i++) {
            float[] c = rowArray(i);
            int o = rowStart(i);
            for (int j = 0; j < cols; j++) {
                m[j] += c[o + j];
            }
        }
        for (int j = 0; j < cols; j++) {
            m[j] /= Math.max(1, rows);
        }
        return m;
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + "x" + cols + "]";
    }
}
