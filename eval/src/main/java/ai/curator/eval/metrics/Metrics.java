package ai.curator.eval.metrics;

import java.util.Arrays;

/**
 * Test-fold metrics of a classifier's probabilities.
 *
 * <ul>
 *   <li>accuracy of the arg-max class;
 *   <li>macro-F1 over the classes that occur in the fold's truth or predictions (scikit-learn's
 *       {@code f1_score(average="macro")}; a class with no true and no predicted row is skipped, one
 *       with precision and recall 0 counts as 0);
 *   <li>macro one-vs-rest AUC: the mean over classes with at least one positive and one negative row
 *       in the fold of the ROC AUC of p(class) (Mann–Whitney with average ranks for ties). scikit-learn
 *       refuses a fold that lacks a class; here such a class is left out of the mean.
 * </ul>
 *
 * @param accuracy accuracy
 * @param macroF1 macro-F1
 * @param macroAuc macro OvR AUC (NaN if no class qualifies)
 */
public record Metrics(double accuracy, double macroF1, double macroAuc) implements java.io.Serializable {

    /** Scores probabilities {@code p} (n × classes, row-major) against labels {@code y}. */
    public static Metrics of(float[] p, int[] y, int classes) {
        int n = y.length;
        int[] pred = new int[n];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[i * classes + c] > p[i * classes + best]) {
                    best = c;
                }
            }
            pred[i] = best;
            correct += best == y[i] ? 1 : 0;
        }
        int[] tp = new int[classes];
        int[] trueN = new int[classes];
        int[] predN = new int[classes];
        for (int i = 0; i < n; i++) {
            trueN[y[i]]++;
            predN[pred[i]]++;
            if (pred[i] == y[i]) {
                tp[y[i]]++;
            }
        }
        double f1 = 0;
        int f1n = 0;
        double auc = 0;
        int aucN = 0;
        for (int c = 0; c < classes; c++) {
            if (trueN[c] > 0 || predN[c] > 0) {
                f1 += 2.0 * tp[c] / (trueN[c] + predN[c]);
                f1n++;
            }
            if (trueN[c] > 0 && trueN[c] < n) {
                auc += auc(p, y, classes, c);
                aucN++;
            }
        }
        return new Metrics(correct / (double) n, f1 / f1n, aucN == 0 ? Double.NaN : auc / aucN);
    }

    /** ROC AUC of score p[·, c] for "y == c", with average ranks for ties. */
    static double auc(float[] p, int[] y, int classes, int c) {
        int n = y.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(p[a * classes + c], p[b * classes + c]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && p[idx[j + 1] * classes + c] == p[idx[i] * classes + c]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[idx[k]] == c) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
