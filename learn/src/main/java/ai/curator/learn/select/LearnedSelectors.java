package ai.curator.learn.select;

import ai.curator.api.Budget;
import ai.curator.api.DataException;
import ai.curator.api.Plan;
import ai.curator.api.Selection;
import ai.curator.api.StageContext;
import ai.curator.learn.select.algo.Asss;
import ai.curator.learn.select.algo.Trace;
import ai.curator.select.Selectors;
import ai.curator.tabular.Labels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code asss} and {@code asss_bilevel} share: planning, reading the label, recording, plotting. */
final class LearnedSelectors {
    private LearnedSelectors() {}

    static void plan(Plan plan, Budget budget, String method, String column) {
        Selectors.requireFirstSelection(plan);
        plan.requireEmbeddings();
        Selectors.requireLabel(plan, "select: " + method + " trains a classifier");
        plan.rows().ifPresent(n -> budget.resolve(n));
        plan.produceScore(column);
        plan.produceSelection();
    }

    static Labels labels(StageContext ctx, String method) {
        Labels l = Labels.of(ctx.table(), ctx.labelColumn());
        if (l.classCount() < 2) {
            throw new DataException("select: " + method + " needs at least two classes in label '" + ctx.labelColumn()
                    + "'; every row has the value " + l.classes().get(0));
        }
        return l;
    }

    /**
     * The selection (weight N/M for every kept row), recorded and plotted; every row's final p goes
     * into the score column {@code column}, so the export carries it and a later stage can re-select
     * by it (e.g. {@code top_m}) without training again.
     */
    static Selection finish(
            StageContext ctx, String method, String column, Labels labels, int m, Asss.Result r, double seconds) {
        int n = labels.y().length;
        int[] rows = r.top().rows();
        Trace t = r.trace();
        List<Double> meanP = new ArrayList<>();
        List<List<Integer>> hist = new ArrayList<>();
        for (Trace.Snapshot s : t.snapshots()) {
            meanP.add(s.meanP());
            List<Integer> h = new ArrayList<>();
            for (int v : s.histogram()) {
                h.add(v);
            }
            hist.add(h);
        }
        List<Double> frac = new ArrayList<>();
        for (double f : t.classFraction()) {
            frac.add(Double.isNaN(f) ? -1.0 : f);
        }
        ctx.putScore(column, r.p());
        ctx.record("budget_rows", m);
        ctx.record("weight", n / (double) m);
        ctx.record("warmup_seconds", r.warmup().seconds());
        ctx.record("seconds", seconds);
        ctx.record("mean_p_by_snapshot", meanP);
        ctx.record("p_histogram_by_snapshot", hist);
        ctx.record("selected_fraction_by_class", frac);
        ctx.record("classes", labels.classes());
        ctx.record("floor_swaps", r.top().floorSwaps());
        ctx.record("empty_classes", r.top().emptyClasses());
        StringBuilder sb = new StringBuilder();
        double[] f = t.classFraction();
        for (int k = 0; k < f.length; k++) {
            sb.append(k == 0 ? "" : ", ")
                    .append(labels.classes().get(k))
                    .append('=')
                    .append(String.format("%.2f", f[k]));
        }
        ctx.log(String.format(
                "%s: kept %d of %d rows (weight %.3f each); mean p %.3f -> %.3f; kept fraction by class: %s%s",
                method,
                rows.length,
                n,
                n / (double) m,
                meanP.get(0),
                meanP.get(meanP.size() - 1),
                sb,
                r.top().emptyClasses() > 0
                        ? "; " + r.top().emptyClasses() + " class(es) left empty: budget < classes"
                        : ""));
        Path out = ctx.outputDir();
        if (out != null) {
            Path h = out.resolve(method + "-p-histogram.png");
            Path c = out.resolve(method + "-class-fraction.png");
            WeightPlots.histogram(t, method + ": selection probability over training", h);
            WeightPlots.classFraction(t, labels.classes(), method + ": fraction of each class kept", c);
            ctx.addOutput(h);
            ctx.addOutput(c);
        }
        return Selectors.equalWeights(rows, n / (double) m, method);
    }

    /** The score column option: {@code dflt} when unset, else a non-blank name. */
    static String column(String name, String value, String dflt) {
        if (value == null) {
            return dflt;
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must be a non-empty column name, got '" + value + "'");
        }
        return value;
    }

    static int[] widths(List<Integer> w, String name) {
        if (w == null || w.isEmpty()) {
            throw new IllegalArgumentException(name + " must list at least one width");
        }
        int[] out = new int[w.size()];
        for (int i = 0; i < out.length; i++) {
            if (w.get(i) == null || w.get(i) < 1) {
                throw new IllegalArgumentException(name + " widths must be >= 1, got " + w);
            }
            out[i] = w.get(i);
        }
        return out;
    }

    static void positive(String name, Number v) {
        if (!(v.doubleValue() > 0) || Double.isInfinite(v.doubleValue())) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
    }
}
