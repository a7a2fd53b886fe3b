package ai.curator.eval.bench.tabular;

import ai.curator.io.AtomicFiles;
import ai.curator.learn.select.WeightPlots;
import ai.curator.learn.select.algo.Trace;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Summarises a {@link TabularBench.Result} and writes it: Markdown, CSV (per split and summary), JSON, PNG. */
public final class BenchReport {
    private BenchReport() {}

    /**
     * Mean and sample standard deviation.
     *
     * @param mean mean (NaN over no values)
     * @param std sample std (0 for one value)
     */
    public record Stat(double mean, double std) {
        static Stat of(List<Double> v) {
            List<Double> f = v.stream().filter(d -> !Double.isNaN(d)).toList();
            if (f.isEmpty()) {
                return new Stat(Double.NaN, Double.NaN);
            }
            double m = f.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double s = 0;
            for (double d : f) {
                s += (d - m) * (d - m);
            }
            return new Stat(m, f.size() > 1 ? Math.sqrt(s / (f.size() - 1)) : 0);
        }

        String pct() {
            return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * std);
        }

        String num(int digits) {
            return String.format(Locale.ROOT, "%." + digits + "f ± %." + digits + "f", mean, std);
        }
    }

    /** One method's summary over the splits. */
    public record Summary(
            String method,
            int splits,
            Stat kept,
            Stat accuracy,
            Stat f1,
            Stat auc,
            Stat prrAccuracy,
            Stat prrF1,
            Stat prrAuc,
            Stat selectSeconds,
            Stat trainSeconds,
            double trainVsFull) {}

    /** Per-method summaries, in the order of the methods. */
    public static List<Summary> summarise(TabularBench.Result r) {
        Map<String, List<TabularBench.Row>> by = new LinkedHashMap<>();
        for (TabularBench.Row row : r.rows()) {
            by.computeIfAbsent(row.method(), k -> new ArrayList<>()).add(row);
        }
        List<Summary> out = new ArrayList<>();
        for (var e : by.entrySet()) {
            List<TabularBench.Row> rs = e.getValue();
            double train =
                    rs.stream().mapToDouble(TabularBench.Row::trainSeconds).sum();
            double full =
                    rs.stream().mapToDouble(TabularBench.Row::fullTrainSeconds).sum();
            out.add(new Summary(
                    e.getKey(),
                    rs.size(),
                    stat(rs, x -> x.kept()),
                    stat(rs, x -> x.metrics().accuracy()),
                    stat(rs, x -> x.metrics().macroF1()),
                    stat(rs, x -> x.metrics().macroAuc()),
                    stat(rs, TabularBench.Row::prrAccuracy),
                    stat(rs, TabularBench.Row::prrF1),
                    stat(rs, TabularBench.Row::prrAuc),
                    stat(rs, TabularBench.Row::selectSeconds),
                    stat(rs, TabularBench.Row::trainSeconds),
                    train / full));
        }
        return out;
    }

    private static Stat stat(List<TabularBench.Row> rs, ToDoubleFunction<TabularBench.Row> f) {
        List<Double> v = new ArrayList<>();
        for (TabularBench.Row r : rs) {
            v.add(f.applyAsDouble(r));
        }
        return Stat.of(v);
    }

    /** The Markdown table. */
    public static String markdown(String title, List<Summary> s) {
        StringBuilder b = new StringBuilder();
        b.append("| ")
                .append(title)
                .append(
                        " | rows kept | accuracy | macro-F1 | macro-AUC | acc PRR % | F1 PRR % | AUC PRR % | select s | train s | train / full |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary x : s) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %.2f |%n",
                    x.method(),
                    x.kept().mean(),
                    x.accuracy().num(4),
                    x.f1().num(4),
                    x.auc().num(4),
                    x.prrAccuracy().pct(),
                    x.prrF1().pct(),
                    x.prrAuc().pct(),
                    x.selectSeconds().num(1),
                    x.trainSeconds().num(1),
                    x.trainVsFull()));
        }
        return b.toString();
    }

    /** Writes {@code <name>.md}, {@code <name>-folds.csv}, {@code <name>-summary.csv}, {@code <name>.json}, {@code <name>-prr.png} and trace plots into {@code dir}. */
    public static List<Path> write(Path dir, String name, TabularBench.Result r, Map<String, Object> settings)
            throws IOException {
        Files.createDirectories(dir);
        List<Summary> s = summarise(r);
        List<Path> out = new ArrayList<>();
        String title = name + " (" + settings.get("folds") + "-fold × " + settings.get("repeats") + ", budget "
                + settings.get("budget") + ")";
        StringBuilder md =
                new StringBuilder("# Tabular benchmark: ").append(title).append("\n\n");
        md.append(markdown(name, s)).append('\n');
        md.append(String.format(
                Locale.ROOT,
                "Training fold of the first split: %d rows, budget %d rows. Wall time %.0f s. Settings: %s%n",
                r.trainRows(),
                r.budgetRows(),
                r.seconds(),
                settings));
        for (String w : r.warnings()) {
            md.append("\nWarning: ").append(w).append('\n');
        }
        md.append(pairedMarkdown(r, "uniform"));
        md.append(tuningMarkdown(r));
        out.add(text(dir.resolve(name + ".md"), md.toString()));

        StringBuilder csv = new StringBuilder(
                "repeat,fold,method,kept,accuracy,macro_f1,macro_auc,prr_accuracy,prr_f1,prr_auc,select_seconds,train_seconds,full_train_seconds,epochs,tuned_lambda,tuned_beta\n");
        for (TabularBench.Row x : r.rows()) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%d,%s,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f,%.3f,%d,%s,%s%n",
                    x.repeat(),
                    x.fold(),
                    x.method(),
                    x.kept(),
                    x.metrics().accuracy(),
                    x.metrics().macroF1(),
                    x.metrics().macroAuc(),
                    x.prrAccuracy(),
                    x.prrF1(),
                    x.prrAuc(),
                    x.selectSeconds(),
                    x.trainSeconds(),
                    x.fullTrainSeconds(),
                    x.epochs(),
                    x.tuning() == null ? "" : x.tuning().lambda(),
                    x.tuning() == null ? "" : x.tuning().beta()));
        }
        out.add(text(dir.resolve(name + "-folds.csv"), csv.toString()));

        StringBuilder sc = new StringBuilder(
                "method,splits,kept,accuracy,accuracy_std,macro_f1,macro_f1_std,macro_auc,macro_auc_std,prr_accuracy,prr_accuracy_std,prr_f1,prr_f1_std,prr_auc,prr_auc_std,select_seconds,train_seconds,train_vs_full\n");
        for (Summary x : s) {
            sc.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%.1f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f,%.4f%n",
                    x.method(),
                    x.splits(),
                    x.kept().mean(),
                    x.accuracy().mean(),
                    x.accuracy().std(),
                    x.f1().mean(),
                    x.f1().std(),
                    x.auc().mean(),
                    x.auc().std(),
                    x.prrAccuracy().mean(),
                    x.prrAccuracy().std(),
                    x.prrF1().mean(),
                    x.prrF1().std(),
                    x.prrAuc().mean(),
                    x.prrAuc().std(),
                    x.selectSeconds().mean(),
                    x.trainSeconds().mean(),
                    x.trainVsFull()));
        }
        out.add(text(dir.resolve(name + "-summary.csv"), sc.toString()));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", name);
        json.put("settings", settings);
        json.put("wall_seconds", r.seconds());
        json.put("warnings", r.warnings());
        json.put("summary", s);
        json.put("splits", r.rows());
        Map<String, Object> tr = new LinkedHashMap<>();
        for (var e : r.traces().entrySet()) {
            tr.put(
                    e.getKey(),
                    Map.of(
                            "snapshots",
                            e.getValue().snapshots(),
                            "selected_fraction_by_class",
                            e.getValue().classFraction()));
        }
        json.put("selector_traces_first_split", tr);
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path j = dir.resolve(name + ".json");
        AtomicFiles.write(j, om.writeValueAsBytes(json));
        out.add(j);

        CategoryChart c = new CategoryChartBuilder()
                .width(1100)
                .height(550)
                .title(title + ": PRR vs full")
                .xAxisTitle("method")
                .yAxisTitle("PRR (%)")
                .build();
        List<String> xs = new ArrayList<>();
        List<Number> f1 = new ArrayList<>();
        List<Number> f1e = new ArrayList<>();
        List<Number> auc = new ArrayList<>();
        List<Number> auce = new ArrayList<>();
        for (Summary x : s) {
            if (x.method().equals("full")) {
                continue;
            }
            xs.add(x.method());
            f1.add(100 * x.prrF1().mean());
            f1e.add(100 * x.prrF1().std());
            auc.add(100 * x.prrAuc().mean());
            auce.add(100 * x.prrAuc().std());
        }
        c.getStyler().setXAxisLabelRotation(20);
        c.addSeries("F1 PRR", xs, f1, f1e);
        c.addSeries("AUC PRR", xs, auc, auce);
        Path png = dir.resolve(name + "-prr.png");
        AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
        out.add(png);
        for (var e : r.traces().entrySet()) {
            Trace t = e.getValue();
            Path h = dir.resolve(name + "-" + e.getKey() + "-p-histogram.png");
            WeightPlots.histogram(t, name + " " + e.getKey() + ": p over training (first split)", h);
            out.add(h);
            @SuppressWarnings("unchecked")
            List<String> classes = (List<String>) settings.getOrDefault("classes", List.of());
            if (classes.size() == t.classFraction().length) {
                Path cf = dir.resolve(name + "-" + e.getKey() + "-class-fraction.png");
                WeightPlots.classFraction(
                        t, classes, name + " " + e.getKey() + ": fraction of each class kept (first split)", cf);
                out.add(cf);
            }
        }
        return out;
    }

    /**
     * Paired differences against {@code reference} (same splits: folds are identical for every
     * method): for each other method but {@code full}, the mean ± sample std over the splits both ran
     * of 100·(PRR_method − PRR_reference) for macro-F1, macro-AUC and accuracy, and on how many splits
     * the method was above. A mean above its own std is bold: the "beats by more than one standard
     * deviation" the bar asks for. Empty when the reference did not run.
     */
    public static String pairedMarkdown(TabularBench.Result r, String reference) {
        Map<String, Map<List<Integer>, TabularBench.Row>> by = new LinkedHashMap<>();
        for (TabularBench.Row x : r.rows()) {
            by.computeIfAbsent(x.method(), k -> new LinkedHashMap<>()).put(List.of(x.repeat(), x.fold()), x);
        }
        Map<List<Integer>, TabularBench.Row> ref = by.get(reference);
        if (ref == null || by.size() < 3) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Paired differences against " + reference + "\n\n");
        b.append("PRR points, method − ")
                .append(reference)
                .append(", mean ± std over the splits both ran (wins: splits where the "
                        + "method is above); **bold**: mean > std.\n\n");
        b.append(
                "| method | F1 PRR diff | wins | AUC PRR diff | wins | acc PRR diff | wins |\n|---|---:|---:|---:|---:|---:|---:|\n");
        List<ToDoubleFunction<TabularBench.Row>> metrics =
                List.of(TabularBench.Row::prrF1, TabularBench.Row::prrAuc, TabularBench.Row::prrAccuracy);
        for (var e : by.entrySet()) {
            if (e.getKey().equals("full") || e.getKey().equals(reference)) {
                continue;
            }
            List<List<Integer>> keys =
                    e.getValue().keySet().stream().filter(ref::containsKey).toList();
            b.append("| ").append(e.getKey()).append(" |");
            for (ToDoubleFunction<TabularBench.Row> f : metrics) {
                List<Double> d = new ArrayList<>();
                int wins = 0;
                for (List<Integer> k : keys) {
                    double v = 100 * (f.applyAsDouble(e.getValue().get(k)) - f.applyAsDouble(ref.get(k)));
                    d.add(v);
                    wins += v > 0 ? 1 : 0;
                }
                Stat st = Stat.of(d);
                String cell = String.format(Locale.ROOT, "%+.1f ± %.1f", st.mean(), st.std());
                b.append(' ')
                        .append(st.mean() > st.std() ? "**" + cell + "**" : cell)
                        .append(" | ")
                        .append(wins)
                        .append('/')
                        .append(keys.size())
                        .append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * asss_tuned's picks per split: λ, β, the validation macro-F1 of every grid point (picked one in
     * bold) and the search's wall time; empty when asss_tuned did not run.
     */
    public static String tuningMarkdown(TabularBench.Result r) {
        List<TabularBench.Row> tuned =
                r.rows().stream().filter(x -> x.tuning() != null).toList();
        if (tuned.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## asss_tuned: λ and β picked per split on validation data\n\n");
        AsssTuning.Tuning first = tuned.get(0).tuning();
        b.append(String.format(
                Locale.ROOT,
                "Each training fold: %d inner rows, %d stratified validation rows (first split). "
                        + "Cells: validation macro-F1 of the model trained on asss's subset of the inner rows.%n%n",
                first.innerRows(),
                first.validationRows()));
        b.append("| repeat | fold | picked λ | picked β |");
        for (AsssTuning.Trial t : first.trials()) {
            b.append(String.format(Locale.ROOT, " λ %s β %s |", t.lambda(), t.beta()));
        }
        b.append(" search s | test F1 PRR % |\n|---:|---:|---:|---:|");
        b.append("---:|".repeat(first.trials().size())).append("---:|---:|\n");
        for (TabularBench.Row x : tuned) {
            AsssTuning.Tuning t = x.tuning();
            b.append(String.format(Locale.ROOT, "| %d | %d | %s | %s |", x.repeat(), x.fold(), t.lambda(), t.beta()));
            for (AsssTuning.Trial g : t.trials()) {
                boolean picked = g.lambda() == t.lambda() && g.beta() == t.beta();
                b.append(String.format(Locale.ROOT, picked ? " **%.4f** |" : " %.4f |", g.validationF1()));
            }
            b.append(String.format(Locale.ROOT, " %.1f | %.1f |%n", t.seconds(), 100 * x.prrF1()));
        }
        return b.toString();
    }

    private static Path text(Path p, String s) throws IOException {
        AtomicFiles.write(p, s.getBytes(StandardCharsets.UTF_8));
        return p;
    }
}
