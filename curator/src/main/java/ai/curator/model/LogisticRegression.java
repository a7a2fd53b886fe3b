package ai.curator.model;

import ai.curator.linalg.FloatMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Binary L2-regularised logistic regression with sample and class weights, fitted by Newton's
 * method (exact for the small feature counts of tabular data: one {@code (d+1)×(d+1)} solve per
 * step).
 *
 * <p>Objective, as scikit-learn's {@code LogisticRegression(solver='liblinear')} states it:
 * {@code ½‖θ‖² + C·Σᵢ sᵢ·c(yᵢ)·log(1 + exp(−ỹᵢ·θᵀx̃ᵢ))}, with x̃ = (x, 1) and ỹ ∈ {−1, +1}.
 * Like liblinear, the intercept is penalised too. {@code c(y)} is 1, or with balanced class
 * weights {@code n / (2·n_y)} computed from the (sample-weighted) training labels. The paper this
 * serves (003 §4.1) uses liblinear with {@code class_weight='balanced'}, C = 1.
 */
public final class LogisticRegression {

    /**
     * Options.
     *
     * @param c inverse regularisation strength, &gt; 0 (default 1)
     * @param balanced balanced class weights (default true)
     * @param maxIter Newton iterations, ≥ 1 (default 100)
     * @param tol stop when the gradient's max-norm falls below this, &gt; 0 (default 1e-8)
     */
    public record Options(double c, boolean balanced, int maxIter, double tol) {
        public Options {
            if (!(c > 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("logistic_regression.c must be > 0, got " + c);
            }
            if (maxIter < 1) {
                throw new IllegalArgumentException("logistic_regression.max_iter must be >= 1, got " + maxIter);
            }
            if (!(tol > 0)) {
                throw new IllegalArgumentException("logistic_regression.tol must be > 0, got " + tol);
            }
        }

        /** C = 1, balanced class weights, 100 Newton steps, tolerance 1e-8. */
        public static Options defaults() {
            return new Options(1.0, true, 100, 1e-8);
        }
    }

    private final double[] theta; // d weights, then the intercept

    private LogisticRegression(double[] theta) {
        this.theta = theta;
    }

    /** The weights (length d) followed by the intercept. */
    public double[] coefficients() {
        return theta.clone();
    }

    /**
     * Fits the model.
     *
     * @param x features, N × d, finite
     * @param y labels, each 0 or 1, both classes present (in rows of positive weight)
     * @param weights sample weights (≥ 0), or null for all 1
     */
    public static LogisticRegression fit(FloatMatrix x, int[] y, double[] weights, Options o) {
        int n = x.rows();
        int d = x.cols();
        if (y.length != n || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException(
                    "x has " + n + " rows, y " + y.length + (weights == null ? "" : ", weights " + weights.length));
        }
        double[] s = new double[n];
        double w0 = 0;
        double w1 = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] != 0 && y[i] != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + y[i] + " in row " + i);
            }
            s[i] = weights == null ? 1.0 : weights[i];
            if (!(s[i] >= 0) || Double.isInfinite(s[i])) {
                throw new IllegalArgumentException(
                        "sample weight must be finite and >= 0, got " + s[i] + " in row " + i);
            }
            if (y[i] == 1) {
                w1 += s[i];
            } else {
                w0 += s[i];
            }
        }
        if (w0 == 0 || w1 == 0) {
            throw new IllegalArgumentException(
                    "logistic regression needs both classes; the training rows have only class " + (w1 == 0 ? 0 : 1));
        }
        double total = w0 + w1;
        double cw0 = o.balanced() ? total / (2 * w0) : 1.0;
        double cw1 = o.balanced() ? total / (2 * w1) : 1.0;
        for (int i = 0; i < n; i++) {
            s[i] *= o.c() * (y[i] == 1 ? cw1 : cw0);
        }
        int p = d + 1;
        double[] theta = new double[p];
        double[] grad = new double[p];
        double[] xi = new double[p];
        DMatrixRMaj h = new DMatrixRMaj(p, p);
        DMatrixRMaj g = new DMatrixRMaj(p, 1);
        DMatrixRMaj step = new DMatrixRMaj(p, 1);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(p);
        double obj = objective(x, y, s, theta);
        for (int iter = 0; iter < o.maxIter(); iter++) {
            System.arraycopy(theta, 0, grad, 0, p); // gradient of ½‖θ‖²
            java.util.Arrays.fill(h.data, 0);
            for (int j = 0; j < p; j++) {
                h.data[j * p + j] = 1.0;
            }
            for (int i = 0; i < n; i++) {
                features(x, i, xi);
                double z = dot(theta, xi);
                double pr = sigmoid(z);
                double r = s[i] * (pr - y[i]);
                double wgt = s[i] * pr * (1 - pr);
                for (int a = 0; a < p; a++) {
                    grad[a] += r * xi[a];
                    double wa = wgt * xi[a];
                    if (wa != 0) {
                        for (int b = a; b < p; b++) {
                            h.data[a * p + b] += wa * xi[b];
                        }
                    }
                }
            }
            double gmax = 0;
            for (double v : grad) {
                gmax = Math.max(gmax, Math.abs(v));
            }
            if (gmax < o.tol()) {
                break;
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < a; b++) {
                    h.data[a * p + b] = h.data[b * p + a];
                }
                g.data[a] = grad[a];
            }
            if (!solver.setA(h)) {
                throw new IllegalStateException("logistic regression: singular Hessian");
            }
            solver.solve(g, step);
            // Backtracking line search on the objective keeps Newton's method monotone.
            double t = 1.0;
            double[] next = new double[p];
            double decrease = 0;
            for (int a = 0; a < p; a++) {
                decrease += grad[a] * step.data[a];
            }
            while (true) {
                for (int a = 0; a < p; a++) {
                    next[a] = theta[a] - t * step.data[a];
                }
                double nextObj = objective(x, y, s, next);
                if (nextObj <= obj - 1e-4 * t * decrease || t < 1e-10) {
                    obj = nextObj;
                    break;
                }
                t *= 0.5;
            }
            theta = next;
        }
        return new LogisticRegression(theta);
    }

    /** P(y = 1 | x) per row. */
    public double[] predictProbability(FloatMatrix x) {
        double[] out = new double[x.rows()];
        double[] xi = new double[theta.length];
        for (int i = 0; i < out.length; i++) {
            features(x, i, xi);
            out[i] = sigmoid(dot(theta, xi));
        }
        return out;
    }

    /** The per-row log loss {@code −log p(yᵢ | xᵢ)} (unweighted). */
    public double[] logLoss(FloatMatrix x, int[] y) {
        double[] out = new double[x.rows()];
        double[] xi = new double[theta.length];
        for (int i = 0; i < out.length; i++) {
            features(x, i, xi);
            double z = dot(theta, xi);
            out[i] = softplus(y[i] == 1 ? -z : z);
        }
        return out;
    }

    /** The accuracy of {@code p ≥ 0.5} predictions. */
    public double accuracy(FloatMatrix x, int[] y) {
        double[] p = predictProbability(x);
        int ok = 0;
        for (int i = 0; i < p.length; i++) {
            if ((p[i] >= 0.5 ? 1 : 0) == y[i]) {
                ok++;
            }
        }
        return (double) ok / p.length;
    }

    private static double objective(FloatMatrix x, int[] y, double[] s, double[] theta) {
        double obj = 0.5 * dot(theta, theta);
        double[] xi = new double[theta.length];
        for (int i = 0; i < x.rows(); i++) {
            if (s[i] == 0) {
                continue;
            }
            features(x, i, xi);
            double z = dot(theta, xi);
            obj += s[i] * softplus(y[i] == 1 ? -z : z);
        }
        return obj;
    }

    private static void features(FloatMatrix x, int i, double[] out) {
        int d = x.cols();
        float[] data = x.data();
        int off = i * d;
        for (int j = 0; j < d; j++) {
            out[j] = data[off + j];
        }
        out[d] = 1.0;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** log(1 + e^z), without overflow. */
    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }
}
