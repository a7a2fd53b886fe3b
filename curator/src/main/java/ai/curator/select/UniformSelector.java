package ai.curator.select;

import ai.curator.api.BasicStageProvider;
import ai.curator.api.Budget;
import ai.curator.api.Plan;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.select.algo.ClassQuotas;
import ai.curator.select.algo.KeyedSampling;
import ai.curator.select.algo.UniformSampling;
import ai.curator.select.algo.WeightedSample;
import ai.curator.tabular.Labels;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Uniform random sampling: the baseline every other selector must beat.
 *
 * <p>Without replacement ({@code replace: false}, the default) it draws {@code s} distinct rows
 * by a partial Fisher–Yates shuffle; with replacement, {@code s} independent draws, keeping each
 * distinct row once with its count. Either way each copy weighs {@code N/s}, so {@code Σ
 * count·weight·ℓ} is an unbiased estimate of {@code Σ ℓ} over all {@code N} rows.
 *
 * <p>With {@code class_quota} it draws within the classes of {@code dataset.label}: the budget is
 * split over the classes ({@link ClassQuotas}: {@code proportional} keeps the data's class mix,
 * {@code equal} gives every class the same share and keeps classes smaller than that whole), at
 * least one row per class when the budget allows, rows uniform without replacement within a
 * class, weight {@code N_c/M_c}. The weights keep totals unbiased, so training <em>with</em> them
 * restores the data's class mix; the flat mix of {@code equal} is what raised macro-F1 in the
 * tabular benchmark (docs/tabular-bench.md, {@code uniform_balanced}) when the subset is trained on
 * as drawn, i.e. unweighted.
 */
public final class UniformSelector implements Stage {

    /**
     * Options of {@code select: uniform}.
     *
     * @param budget samples to draw: a count (≥ 1, ≤ N) or a ratio in (0, 1]; required
     * @param replace draw with replacement; default false
     * @param classQuota {@code none} (default: ignore labels), {@code proportional} or {@code equal}
     *     (draw within the classes of {@code dataset.label}; without replacement)
     */
    public record Options(Budget budget, Boolean replace, String classQuota) {
        public Options {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "uniform.budget is required: a count (e.g. 1000) or a ratio (e.g. 0.1)");
            }
            replace = replace != null && replace;
            classQuota = classQuota == null ? "none" : classQuota;
            if (!QUOTAS.contains(classQuota)) {
                throw new IllegalArgumentException(
                        "uniform.class_quota must be one of " + QUOTAS + ", got '" + classQuota + "'");
            }
            if (replace && !classQuota.equals("none")) {
                throw new IllegalArgumentException(
                        "uniform.class_quota '" + classQuota
                                + "' draws without replacement within each class; remove replace: true or set class_quota: none");
            }
        }

        /** Options without class quotas. */
        public Options(Budget budget, Boolean replace) {
            this(budget, replace, null);
        }
    }

    private static final List<String> QUOTAS = List.of("none", "proportional", "equal");

    /** Registers {@code select: uniform}. */
    public static final class Provider extends BasicStageProvider<Options> {
        public Provider() {
            super(
                    "select",
                    "uniform",
                    "uniform random sample at a budget, with or without replacement (weight N/s)",
                    Options.class,
                    UniformSelector::new);
        }
    }

    private final Options options;

    public UniformSelector(Options options) {
        this.options = options;
    }

    @Override
    public void plan(Plan plan) {
        if (!options.classQuota().equals("none")) {
            Selectors.requireLabel(
                    plan, "select: uniform with class_quota: " + options.classQuota() + " draws within classes");
        }
        Selectors.plan(plan, options.budget(), false);
    }

    /** {@code a: 3 of 40, b: 2 of 9}: rows kept of each class's rows, classes in order. */
    public static String keptLine(Map<String, Integer> kept, int[] size) {
        StringBuilder line = new StringBuilder();
        int c = 0;
        for (var e : kept.entrySet()) {
            line.append(c == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue())
                    .append(" of ")
                    .append(size[c++]);
        }
        return line.toString();
    }

    @Override
    public void run(StageContext context) {
        int n = context.table().rows();
        int s = options.budget().resolve(n);
        if (options.classQuota().equals("none")) {
            context.setSelection(select(n, s, options.replace(), context.random()));
            return;
        }
        Labels labels = Labels.of(context.table(), context.labelColumn());
        int[] quota = options.classQuota().equals("equal")
                ? ClassQuotas.equal(labels.y(), labels.classCount(), s)
                : ClassQuotas.proportional(labels.y(), labels.classCount(), s);
        WeightedSample w = UniformSampling.withinClasses(labels.y(), labels.classCount(), quota, context.random());
        int[] size = Labels.counts(labels.y(), labels.classCount());
        Map<String, Integer> kept = new LinkedHashMap<>();
        for (int c = 0; c < quota.length; c++) {
            kept.put(labels.classes().get(c), quota[c]);
        }
        context.record("rows_by_class", kept);
        context.log("uniform (class_quota " + options.classQuota() + "): kept by class " + keptLine(kept, size));
        context.setSelection(Selectors.fromSample(w, "uniform"));
    }

    /**
     * Draws {@code s} of {@code n} rows uniformly ({@link KeyedSampling}, keyed by one draw of {@code
     * random}: the same subset however the rows are partitioned).
     */
    public static Selection select(int n, int s, boolean replace, SplittableRandom random) {
        if (s < 1 || (!replace && s > n)) {
            throw new IllegalArgumentException("cannot draw " + s + " of " + n + " rows");
        }
        long key = random.nextLong();
        WeightedSample w = replace
                ? KeyedSampling.uniformWithReplacement(n, s, key)
                : KeyedSampling.uniformWithoutReplacement(n, s, key);
        double[] perCopy = new double[w.size()];
        Arrays.fill(perCopy, (double) n / s);
        return new Selection(w.rows(), w.counts(), perCopy, "uniform");
    }
}
