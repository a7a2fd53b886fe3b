package ai.curator.linalg;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Small dense double-precision factorisations on row-major {@code double[]}: symmetric eigen, thin
 * SVD and thin QR through EJML; Cholesky both through EJML and a plain-Java row-parallel kernel
 * (see NOTES.md for the comparison). These only ever see small matrices ({@code l × l},
 * {@code d × l}, {@code r × r} with r ≤ a few thousand), never N-sized ones.
 */
public final class Dense {
    private Dense() {}

    /** Eigen-decomposition of a symmetric matrix: values descending, vectors as columns. */
    public record SymEigen(double[] values, double[] vectors, int n) {}

    /** Thin SVD {@code A = U diag(s) Vᵀ} with {@code s} descending. */
    public record Svd(double[] u, double[] s, double[] v, int rows, int cols, int rank) {}

    /** Symmetric eigen-decomposition of the {@code n × n} row-major {@code a} (not modified). */
    public static SymEigen symmetricEigen(double[] a, int n) {
        DMatrixRMaj m = DMatrixRMaj.wrap(n, n, a.clone());
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            throw new ArithmeticException("symmetric eigen-decomposition of " + n + "x" + n + " failed");
        }
        Integer[] order = new Integer[n];
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            vals[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(order, (x, y) -> Double.compare(vals[y], vals[x]));
        double[] outVals = new double[n];
        double[] outVecs = new double[n * n];
        for (int c = 0; c < n; c++) {
            int src = order[c];
            outVals[c] = vals[src];
            DMatrixRMaj v = eig.getEigenVector(src);
            for (int r = 0; r < n; r++) {
                outVecs[r * n + c] = v == null ? 0.0 : v.get(r, 0);
            }
        }
        return new SymEigen(outVals, outVecs, n);
    }

    /**
     * Thin SVD of the {@code rows × cols} row-major {@code a}: {@code U} is {@code rows × p},
     * {@code V} is {@code cols × p}, {@code p = min(rows, cols)}, singular values descending.
     */
    public static Svd svd(double[] a, int rows, int cols) {
        DMatrixRMaj m = DMatrixRMaj.wrap(rows, cols, a.clone());
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
        if (!svd.decompose(m)) {
            throw new ArithmeticException("SVD of " + rows + "x" + cols + " failed");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        int p = Math.min(rows, cols);
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = w.get(i, i);
        }
        return new Svd(u.getData(), s, v.getData(), rows, cols, p);
    }

    /** Orthonormal basis of the column space of the {@code rows × cols} {@code a} (thin Q). */
    public static double[] orthonormalColumns(double[] a, int rows, int cols) {
        DMatrixRMaj m = DMatrixRMaj.wrap(rows, cols, a.clone());
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(rows, cols);
        if (!qr.decompose(m)) {
            throw new ArithmeticException("QR of " + rows + "x" + cols + " failed");
        }
        return qr.getQ(null, true).getData();
    }

    /**
     * Orthonormal columns spanning the columns of the small {@code rows × cols} {@code a} (cols ≤
     * rows) by modified Gram–Schmidt run twice per column; a column that (numerically) lies in the
     * span of the previous ones is replaced by a random direction, so the result always has {@code
     * cols} orthonormal columns.
     */
    public static double[] orthonormalize(double[] a, int rows, int cols, java.util.SplittableRandom rnd) {
        double[] q = new double[rows * cols];
        double[] v = new double[rows];
        for (int c = 0; c < cols; c++) {
            for (int attempt = 0; ; attempt++) {
                double orig = 0;
                for (int r = 0; r < rows; r++) {
                    v[r] = attempt == 0 ? a[r * cols + c] : Rand.gaussian(rnd);
                    orig += v[r] * v[r];
                }
                for (int pass = 0; pass < 2; pass++) {
                    for (int p = 0; p < c; p++) {
                        double dot = 0;
                        for (int r = 0; r < rows; r++) {
                            dot += q[r * cols + p] * v[r];
                        }
                        for (int r = 0; r < rows; r++) {
                            v[r] -= dot * q[r * cols + p];
                        }
                    }
                }
                double norm = 0;
                for (int r = 0; r < rows; r++) {
                    norm += v[r] * v[r];
                }
                if (norm > 1e-20 * orig && norm > 0) {
                    double inv = 1.0 / Math.sqrt(norm);
                    for (int r = 0; r < rows; r++) {
                        q[r * cols + c] = v[r] * inv;
                    }
                    break;
                }
                if (attempt > 20) {
                    throw new ArithmeticException("could not orthonormalise column " + c);
                }
            }
        }
        return q;
    }

    /**
     * Lower Cholesky factor of the symmetric positive-definite {@code n × n} {@code a} via EJML's
     * blocked decomposition (upper triangle of the result zeroed).
     *
     * @throws ArithmeticException when {@code a} is not numerically positive definite
     */
    public static double[] choleskyEjml(double[] a, int n) {
        DMatrixRMaj m = DMatrixRMaj.wrap(n, n, a.clone());
        CholeskyDecomposition_F64<DMatrixRMaj> ch = DecompositionFactory_DDRM.chol(n, true);
        if (!ch.decompose(m)) {
            throw new ArithmeticException("matrix " + n + "x" + n + " is not positive definite");
        }
        DMatrixRMaj l = ch.getT(null);
        return l.getData();
    }

    /**
     * Lower Cholesky factor in plain Java, right-looking by columns with the rows below the diagonal
     * computed in parallel (each is a contiguous dot product in row-major storage).
     *
     * @throws ArithmeticException when {@code a} is not numerically positive definite
     */
    public static double[] cholesky(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * n, l, i * n, i + 1);
        }
        for (int j = 0; j < n; j++) {
            final int jj = j;
            int jo = j * n;
            double djj = l[jo + j] - dotD(l, jo, l, jo, j);
            if (!(djj > 0) || Double.isNaN(djj)) {
                throw new ArithmeticException(
                        "matrix " + n + "x" + n + " is not positive definite (pivot " + j + " = " + djj + ")");
            }
            double ljj = Math.sqrt(djj);
            l[jo + j] = ljj;
            int below = n - j - 1;
            if (below > 256) {
                IntStream.range(0, (below + 63) / 64).parallel().forEach(b -> {
                    int s = jj + 1 + b * 64;
                    int e = Math.min(n, s + 64);
                    for (int i = s; i < e; i++) {
                        int io = i * n;
                        l[io + jj] = (l[io + jj] - dotD(l, io, l, jo, jj)) / ljj;
                    }
                });
            } else {
                for (int i = j + 1; i < n; i++) {
                    int io = i * n;
                    l[io + j] = (l[io + j] - dotD(l, io, l, jo, j)) / ljj;
                }
            }
        }
        return l;
    }

    /** Solves {@code L Lᵀ x = b} for a lower-triangular {@code L}; {@code b} is not modified. */
    public static double[] choleskySolve(double[] l, int n, double[] b) {
        double[] y = b.clone();
        for (int i = 0; i < n; i++) {
            int io = i * n;
            y[i] = (y[i] - dotD(l, io, y, 0, i)) / l[io + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
        return y;
    }

    /** Double dot product with four accumulators. */
    public static double dotD(double[] a, int ao, double[] b, int bo, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
        }
        for (; j < len; j++) {
            s0 += a[ao + j] * b[bo + j];
        }
        return s0 + s1 + s2 + s3;
    }

    /** {@code a (r × c)} times {@code b (c × k)}, row-major doubles. */
    public static double[] multiply(double[] a, int r, int c, double[] b, int k) {
        DMatrixRMaj out = new DMatrixRMaj(r, k);
        CommonOps_DDRM.mult(DMatrixRMaj.wrap(r, c, a), DMatrixRMaj.wrap(c, k, b), out);
        return out.getData();
    }

    /** Transpose of a row-major {@code r × c} matrix. */
    public static double[] transpose(double[] a, int r, int c) {
        double[] t = new double[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = a[i * c + j];
            }
        }
        return t;
    }
}
