package ai.curator.linalg;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense row-major {@code rows × cols} matrix of {@code float}, the embedding/feature matrix type
 * (N samples × d dimensions) of curator's numeric kernels.
 *
 * <p><b>Size limit.</b> The values live in one Java {@code float[]}, so {@code rows * cols} must be
 * at most {@link #MAX_ELEMENTS} (= {@code Integer.MAX_VALUE - 8}, about 2.1e9 floats / 8.6 GB); for
 * example 1e6 × 1024 (1.02e9) fits, 3e6 × 1024 does not. Constructors reject larger shapes with an
 * {@link IllegalArgumentException}.
 *
 * <p>The heavy kernels ({@link #multiply}, {@link #transposeMultiply}, {@link #rowSquaredNorms})
 * run over row blocks on the common fork-join pool (all cores). Products accumulate in float over
 * short inner loops and in double across row blocks, so results over 1e6 rows keep ~1e-6 relative
 * accuracy. The matrix is mutable only through {@link #set} and {@link #data()}; kernels never
 * mutate their inputs.
 */
public final class FloatMatrix {
  /** Largest {@code rows * cols} a {@code FloatMatrix} can hold (the JVM's array limit). */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;


  private final int rows;
  private final int cols;
  private final float[] data;

  /** A zero matrix. */
  public FloatMatrix(int rows, int cols) {
    this(rows, cols, new float[checkedSize(rows, cols)]);
  }

  /**
   * Wraps (does not copy) a row-major array.
   *
   * @param data length must be exactly {@code rows * cols}
   */
  public FloatMatrix(int rows, int cols, float[] data) {
    int size = checkedSize(rows, cols);
    if (data == null || data.length != size) {
      throw new IllegalArgumentException(
          "FloatMatrix data length must be rows*cols = " + size + ", got "
              + (data == null ? "null" : data.length));
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  private static int checkedSize(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "FloatMatrix shape must be non-negative, got " + rows + "x" + cols);
    }
    long n = (long) rows * cols;
    if (n > MAX_ELEMENTS) {
      throw new IllegalArgumentException(
          "FloatMatrix " + rows + "x" + cols + " has " + n + " elements, more than the "
              + MAX_ELEMENTS + " a float[] can hold; split the data into row shards");
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
        throw new IllegalArgumentException(
            "row " + i + " has " + values[i].length + " columns, expected " + c);
      }
      for (int j = 0; j < c; j++) {
        m.data[i * c + j] = (float) values[i][j];
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
        throw new IllegalArgumentException(
            "row " + i + " has " + values[i].length + " columns, expected " + c);
      }
      System.arraycopy(values[i], 0, m.data, i * c, c);
    }
    return m;
  }

  /** A matrix of i.i.d. standard normal entries drawn from {@code rnd}. */
  public static FloatMatrix gaussian(int rows, int cols, SplittableRandom rnd) {
    FloatMatrix m = new FloatMatrix(rows, cols);
    for (int i = 0; i < m.data.length; i++) {
      m.data[i] = (float) Rand.gaussian(rnd);
    }
    return m;
  }

  /** Converts a row-major {@code double[]} of shape {@code rows × cols}. */
  public static FloatMatrix fromDoubles(int rows, int cols, double[] values) {
    FloatMatrix m = new FloatMatrix(rows, cols);
    for (int i = 0; i < values.length; i++) {
      m.data[i] = (float) values[i];
    }
    return m;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The backing row-major array (not a copy): element (i, j) is at {@code i * cols() + j}. */
  public float[] data() {
    return data;
  }

  public float get(int i, int j) {
    return data[i * cols + j];
  }

  public void set(int i, int j, float v) {
    data[i * cols + j] = v;
  }

  /** Offset of row {@code i} in {@link #data()}. */
  public int rowOffset(int i) {
    return i * cols;
  }

  /** A copy of row {@code i}. */
  public float[] row(int i) {
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  /** Copies row {@code i} into {@code dst[0..cols)}. */
  public void copyRow(int i, float[] dst) {
    System.arraycopy(data, i * cols, dst, 0, cols);
  }

  /** Row {@code i} as doubles. */
  public double[] rowAsDouble(int i) {
    double[] out = new double[cols];
    int o = i * cols;
    for (int j = 0; j < cols; j++) {
      out[j] = data[o + j];
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
      System.arraycopy(data, i * cols, m.data, r * cols, cols);
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
      System.arraycopy(data, i * cols, m.data, i * n, n);
    }
    return m;
  }

  public FloatMatrix copy() {
    return new FloatMatrix(rows, cols, data.clone());
  }

  public FloatMatrix transpose() {
    FloatMatrix t = new FloatMatrix(cols, rows);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t.data[j * rows + i] = data[i * cols + j];
      }
    }
    return t;
  }

  /** Row-major doubles (a copy). */
  public double[] toDoubles() {
    double[] out = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[i];
    }
    return out;
  }

  /**
   * Throws if any entry is NaN or infinite, naming the first bad row and column.
   *
   * @param what a name for the message, e.g. "embeddings"
   */
  public void requireFinite(String what) {
    int[] bad = {-1};
    Parallel.forBlocks(rows, Parallel.blockSize(rows, 1024), (s, e) -> {
      if (Kernels.allFinite(data, s * cols, e * cols)) {
        return;
      }
      for (int i = s; i < e; i++) {
        int o = i * cols;
        for (int j = 0; j < cols; j++) {
          if (!Float.isFinite(data[o + j])) {
            synchronized (bad) {
              if (bad[0] < 0 || o + j < bad[0]) {
                bad[0] = o + j;
              }
            }
            return;
          }
        }
      }
    });
    if (bad[0] >= 0) {
      int i = bad[0] / cols;
      int j = bad[0] % cols;
      throw new IllegalArgumentException(
          what + " must be finite: row " + i + ", column " + j + " is " + data[bad[0]]);
    }
  }

  /** Squared Euclidean norm of each row, accumulated in double. */
  public double[] rowSquaredNorms() {
    double[] out = new double[rows];
    Parallel.forBlocks(rows, Parallel.blockSize(rows, 1024), (s, e) -> {
      for (int i = s; i < e; i++) {
        out[i] = Kernels.dot(data, i * cols, data, i * cols, cols);
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
    Parallel.forBlocks(rows, Parallel.blockSize(rows, 64), (s, e) ->
        Kernels.gemmRows(data, cols, s, e, w.data, w.cols, out.data, s));
    return out;
  }

  /**
   * {@code thisᵀ · y} in double for tall matrices: ({@code N × d})ᵀ times ({@code N × l}) → a
   * row-major {@code d × l} {@code double[]}. Blocks of 256 rows accumulate in float ({@link
   * Kernels#transposeAccumulate}), are summed in double per fixed chunk of {@value
   * Parallel#REDUCTION_CHUNK} rows, and the chunks in order: the same result on any machine.
   */
  public double[] transposeMultiply(FloatMatrix y) {
    if (y.rows != rows) {
      throw new IllegalArgumentException(
          "transposeMultiply: row counts differ: " + rows + " vs " + y.rows);
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
        Kernels.transposeAccumulate(data, d, y.data, l, b, Math.min(e, b + 256), acc);
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

  /** Gram matrix {@code thisᵀ · this} ({@code cols × cols}, double, row-major). */
  public double[] gram() {
    return transposeMultiply(this);
  }

  /** Column means (double). */
  public double[] columnMeans() {
    double[] m = new double[cols];
    for (int i = 0; i < rows; i++) {
      int o = i * cols;
      for (int j = 0; j < cols; j++) {
        m[j] += data[o + j];
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
