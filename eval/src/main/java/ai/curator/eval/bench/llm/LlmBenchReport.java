package ai.curator.eval.bench.llm;

import ai.curator.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The benchmark's report: per (method, budget), the mean ± sample std over seeds of every metric,
 * PRR vs full (mean metric / full's mean metric), the paired difference against uniform (same
 * seeds: method − uniform per seed, then mean ± std), and the costs (selection: embedding, scoring
 * with the oracle's rows and tokens; fine-tuning; evaluation). Writes {@code llm-bench.md}, {@code
 * llm-bench-runs.csv}, {@code llm-bench-summary.csv}, {@code llm-bench.json} and {@code
 * llm-bench.png} (headline metric vs budget per method).
 */
public final class LlmBenchReport {
    private LlmBenchReport() {}

    /** One (method, budget) group's statistics. */
    record Group(String method, String budget, double fraction, List<JsonNode> runs) {}

    static List<Group> groups(List<ObjectNode> results) {
        Map<String, Group> g = new LinkedHashMap<>();
        for (ObjectNode r : results) {
            String key = r.path("method").asText() + "\0" + r.path("budget").asText();
            g.computeIfAbsent(
                            key,
                            k -> new Group(
                                    r.path("method").asText(),
                                    r.path("budget").asText(),
                                    r.path("fraction").asDouble(),
                                    new ArrayList<>()))
                    .runs()
                    .add(r);
        }
        List<Group> out = new ArrayList<>(g.values());
        out.sort((a, b) -> {
            int f = Double.compare(b.fraction(), a.fraction());
            return f != 0 ? f : 0;
        });
        return out;
    }

    /** Mean and sample standard deviation (0 for one value); NaN for none. */
    static double[] meanStd(List<Double> xs) {
        List<Double> v = xs.stream().filter(d -> !d.isNaN()).toList();
        if (v.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN, 0};
        }
        double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return new double[] {m, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0, v.size()};
    }

    static List<Double> values(List<JsonNode> runs, String metric) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : runs) {
            v.add(r.path("metrics").path(metric).asDouble(Double.NaN));
        }
        return v;
    }

    static List<Double> costs(List<JsonNode> runs, String field) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : runs) {
            v.add(r.path("cost").path(field).asDouble(Double.NaN));
        }
        return v;
    }

    /** Per seed: this run's metric − the uniform run's at the same budget and seed. */
    static List<Double> pairedVsUniform(Group g, List<Group> all, String metric) {
        List<Double> d = new ArrayList<>();
        for (Group u : all) {
            if (!u.method().equals("uniform") || !u.budget().equals(g.budget())) {
                continue;
            }
            for (JsonNode r : g.runs()) {
                for (JsonNode ur : u.runs()) {
                    if (ur.path("seed").asLong() == r.path("seed").asLong()) {
                        d.add(r.path("metrics").path(metric).asDouble(Double.NaN)
                                - ur.path("metrics").path(metric).asDouble(Double.NaN));
                    }
                }
            }
        }
        return d;
    }

    /**
     * Writes the report into {@code dir}.
     *
     * @param settings {@code bench.json}'s settings
     * @param command the command line that made the results
     * @return the files written
     */
    public static List<Path> write(Path dir, JsonNode settings, String command, List<ObjectNode> results, int trainRows)
            throws IOException {
        List<Path> files = new ArrayList<>();
        if (results.isEmpty()) {
            return files;
        }
        List<Group> gs = groups(results);
        List<String> metrics = new ArrayList<>();
        results.get(0).path("metrics").fieldNames().forEachRemaining(metrics::add);
        String task = results.get(0).path("task").asText();
        String head = LlmRunResult.headline(
                task,
                settings.path("eval_split").asText(),
                results.get(0).path("headline").asText());
        double full = Double.NaN;
        for (Group g : gs) {
            if (g.method().equals("full")) {
                full = meanStd(values(g.runs(), head))[0];
            }
        }

        StringBuilder md = new StringBuilder();
        md.append("# curator bench llm: ").append(task).append("\n\n");
        md.append("```\n").append(command).append("\n```\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Base model `%s`; %,d training rows; evaluated on the %s split (%d rows); fine-tuning %s, lr %s, %s"
                        + " epoch(s)%s, batch %s; landmarks %s of the rows. Mean ± sample std over seeds; PRR = mean / full's"
                        + " mean; Δ uniform = the paired difference to uniform at the same budget and seed (mean ± std).%n%n",
                settings.path("model").asText(),
                trainRows,
                settings.path("eval_split").asText(),
                results.get(0).path("eval_rows").asInt(),
                settings.path("finetune").asText(),
                settings.path("learning_rate").asText(),
                settings.path("epochs").asText(),
                settings.path("updates").asText().equals("full")
                        ? " for the full run, round(epochs / share) for a subset (--updates full: about the full run's"
                                + " updates)"
                        : "",
                settings.path("batch_size").asText(),
                settings.path("landmarks").asText()));
        md.append("| method | budget | seeds | rows | ").append(head).append(" | PRR | Δ uniform |");
        for (String m : metrics) {
            if (!m.equals(head)) {
                md.append(' ').append(m).append(" |");
            }
        }
        md.append(
                " selection s | oracle rows | oracle tokens | fine-tune s | fine-tune tokens | eval s |\n|---|---|---:|---:|---:|---:|---:|");
        md.append("---:|".repeat(metrics.size() - 1)).append("---:|---:|---:|---:|---:|---:|\n");

        StringBuilder csv = new StringBuilder("method,budget,fraction,seeds,rows");
        for (String m : metrics) {
            csv.append(',').append(m).append("_mean,").append(m).append("_std");
        }
        csv.append(",prr,delta_uniform_mean,delta_uniform_std,selection_seconds,oracle_rows,oracle_tokens,"
                + "finetune_seconds,finetune_tokens,eval_seconds\n");
        ArrayNode summary = LlmBench.JSON.createArrayNode();
        for (Group g : gs) {
            double[] h = meanStd(values(g.runs(), head));
            double[] d = meanStd(pairedVsUniform(g, gs, head));
            double rows = meanStd(
                    g.runs().stream().map(r -> r.path("rows").asDouble()).toList())[0];
            double sel = meanStd(costs(g.runs(), "selection_seconds"))[0];
            double orows = meanStd(costs(g.runs(), "oracle_rows"))[0];
            double otok = meanStd(costs(g.runs(), "oracle_tokens"))[0];
            double fts = meanStd(costs(g.runs(), "finetune_seconds"))[0];
            double ftt = meanStd(costs(g.runs(), "finetune_tokens"))[0];
            double evs = meanStd(costs(g.runs(), "eval_seconds"))[0];
            boolean uniform = g.method().equals("uniform") || g.method().equals("full");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %,.0f | %s | %s | %s |",
                    g.method(),
                    g.budget(),
                    g.runs().size(),
                    rows,
                    pm(h),
                    Double.isNaN(full) || full == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * h[0] / full),
                    uniform || d[2] == 0 ? "–" : signed(d)));
            for (String m : metrics) {
                if (!m.equals(head)) {
                    md.append(' ').append(pm(meanStd(values(g.runs(), m)))).append(" |");
                }
            }
            md.append(String.format(
                    Locale.ROOT, " %.1f | %,.0f | %,.0f | %.0f | %,.0f | %.0f |%n", sel, orows, otok, fts, ftt, evs));
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%s,%d,%.0f",
                    g.method(),
                    g.budget(),
                    g.fraction(),
                    g.runs().size(),
                    rows));
            ObjectNode sj = summary.addObject();
            sj.put("method", g.method());
            sj.put("budget", g.budget());
            sj.put("fraction", g.fraction());
            sj.put("seeds", g.runs().size());
            sj.put("rows", rows);
            ObjectNode ms = sj.putObject("metrics");
            for (String m : metrics) {
                double[] v = meanStd(values(g.runs(), m));
                csv.append(String.format(Locale.ROOT, ",%.6f,%.6f", v[0], v[1]));
                ms.putObject(m).put("mean", v[0]).put("std", v[1]);
            }
            double prr = Double.isNaN(full) || full == 0 ? Double.NaN : h[0] / full;
            csv.append(String.format(
                    Locale.ROOT,
                    ",%.6f,%.6f,%.6f,%.2f,%.0f,%.0f,%.2f,%.0f,%.2f%n",
                    prr,
                    uniform ? Double.NaN : d[0],
                    uniform ? Double.NaN : d[1],
                    sel,
                    orows,
                    otok,
                    fts,
                    ftt,
                    evs));
            sj.put("prr", prr);
            if (!uniform && d[2] > 0) {
                sj.putObject("delta_uniform").put("mean", d[0]).put("std", d[1]).put("pairs", (int) d[2]);
            }
            sj.putObject("cost")
                    .put("selection_seconds", sel)
                    .put("oracle_rows", orows)
                    .put("oracle_tokens", otok)
                    .put("finetune_seconds", fts)
                    .put("finetune_tokens", ftt)
                    .put("eval_seconds", evs);
        }
        // the paired difference to uniform on every metric, not only the headline (an all-or-nothing
        // headline such as exact match can sit at 0 for every method while the finer metrics differ)
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < gs.size(); i++) {
            Group g = gs.get(i);
            if (g.method().equals("uniform") || g.method().equals("full")) {
                continue;
            }
            ObjectNode byMetric = null;
            StringBuilder row = new StringBuilder();
            int pairs = 0;
            for (String m : metrics) {
                double[] d = meanStd(pairedVsUniform(g, gs, m));
                pairs = Math.max(pairs, (int) d[2]);
                if (d[2] == 0) {
                    row.append(" – |"); // undefined for every pair (e.g. slot precision with no slot predicted)
                    continue;
                }
                row.append(' ').append(signed(d)).append(" |");
                if (byMetric == null) {
                    byMetric = ((ObjectNode) summary.get(i)).putObject("delta_uniform_by_metric");
                }
                byMetric.putObject(m).put("mean", d[0]).put("std", d[1]).put("pairs", (int) d[2]);
            }
            if (pairs > 0) {
                deltas.append(String.format(Locale.ROOT, "| %s | %s | %d |", g.method(), g.budget(), pairs))
                        .append(row)
                        .append('\n');
            }
        }
        if (deltas.length() > 0) {
            md.append(
                    "\nPaired difference to uniform on every metric (points; mean ± std over the seeds both ran):\n\n");
            md.append("| method vs uniform | budget | pairs |");
            for (String m : metrics) {
                md.append(' ').append(m).append(" |");
            }
            md.append("\n|---|---|---:|").append("---:|".repeat(metrics.size())).append('\n');
            md.append(deltas);
        }
        double selAll = 0;
        double ftAll = 0;
        double evAll = 0;
        for (ObjectNode r : results) {
            selAll += nz(r.path("cost").path("selection_seconds").asDouble());
            ftAll += nz(r.path("cost").path("finetune_seconds").asDouble());
            evAll += nz(r.path("cost").path("eval_seconds").asDouble());
        }
        double all = selAll + ftAll + evAll;
        if (all > 0)
            md.append(String.format(
                    Locale.ROOT,
                    "%nWhere the time went (stage seconds summed over the %d runs; embeddings are computed once and"
                            + " landmark losses once per seed, counted in every run that used them): selection %.0f s (%.1f%%),"
                            + " fine-tuning %.0f s (%.1f%%), evaluation %.0f s (%.1f%%).%n",
                    results.size(),
                    selAll,
                    100 * selAll / all,
                    ftAll,
                    100 * ftAll / all,
                    evAll,
                    100 * evAll / all));
        Path mdf = dir.resolve("llm-bench.md");
        AtomicFiles.write(mdf, md.toString().getBytes(StandardCharsets.UTF_8));
        files.add(mdf);
        Path sc = dir.resolve("llm-bench-summary.csv");
        AtomicFiles.write(sc, csv.toString().getBytes(StandardCharsets.UTF_8));
        files.add(sc);

        StringBuilder rc = new StringBuilder("id,method,budget,seed,rows,draws");
        for (String m : metrics) {
            rc.append(',').append(m);
        }
        rc.append(",selection_seconds,oracle_rows,oracle_tokens,finetune_seconds,finetune_tokens,finetune_updates,"
                + "eval_seconds,first_train_loss,last_train_loss\n");
        for (ObjectNode r : results) {
            JsonNode c = r.path("cost");
            rc.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%s,%d,%d,%d",
                    r.path("id").asText(),
                    r.path("method").asText(),
                    r.path("budget").asText(),
                    r.path("seed").asLong(),
                    r.path("rows").asInt(),
                    r.path("draws").asInt()));
            for (String m : metrics) {
                rc.append(String.format(
                        Locale.ROOT, ",%.6f", r.path("metrics").path(m).asDouble(Double.NaN)));
            }
            rc.append(String.format(
                    Locale.ROOT,
                    ",%.2f,%d,%d,%.2f,%d,%d,%.2f,%.6f,%.6f%n",
                    c.path("selection_seconds").asDouble(),
                    c.path("oracle_rows").asLong(),
                    c.path("oracle_tokens").asLong(),
                    c.path("finetune_seconds").asDouble(),
                    c.path("finetune_tokens").asLong(),
                    c.path("finetune_updates").asInt(),
                    c.path("eval_seconds").asDouble(),
                    r.path("first_train_loss").asDouble(Double.NaN),
                    r.path("last_train_loss").asDouble(Double.NaN)));
        }
        Path runsCsv = dir.resolve("llm-bench-runs.csv");
        AtomicFiles.write(runsCsv, rc.toString().getBytes(StandardCharsets.UTF_8));
        files.add(runsCsv);

        ObjectNode json = LlmBench.JSON.createObjectNode();
        json.put("command", command);
        json.set("settings", settings);
        json.put("train_rows", trainRows);
        json.put("headline", head);
        json.set("summary", summary);
        json.set("runs", LlmBench.JSON.valueToTree(results));
        Path jf = dir.resolve("llm-bench.json");
        AtomicFiles.write(jf, LlmBench.JSON.writeValueAsBytes(json));
        files.add(jf);

        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(550)
                .title(task + ": " + head + " vs budget (mean ± std over seeds)")
                .xAxisTitle("budget (% of the training split)")
                .yAxisTitle(head + " (%)")
                .build();
        List<Double> budgets = gs.stream()
                .filter(g -> !g.method().equals("full"))
                .map(g -> 100 * g.fraction())
                .distinct()
                .sorted()
                .toList();
        Map<String, List<Group>> byMethod = new LinkedHashMap<>();
        for (Group g : gs) {
            if (!g.method().equals("full")) {
                byMethod.computeIfAbsent(g.method(), k -> new ArrayList<>()).add(g);
            }
        }
        for (var e : byMethod.entrySet()) {
            List<Group> pts = new ArrayList<>(e.getValue());
            pts.sort((a, b) -> Double.compare(a.fraction(), b.fraction()));
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            double[] err = new double[pts.size()];
            for (int i = 0; i < pts.size(); i++) {
                double[] v = meanStd(values(pts.get(i).runs(), head));
                x[i] = 100 * pts.get(i).fraction();
                y[i] = 100 * v[0];
                err[i] = 100 * v[1];
            }
            chart.addSeries(e.getKey(), x, y, err);
        }
        if (!Double.isNaN(full) && !budgets.isEmpty()) {
            double lo = budgets.get(0);
            double hi = budgets.get(budgets.size() - 1);
            double pad = hi > lo ? 0 : Math.max(0.5, 0.1 * hi); // one budget: a short line, not a dot
            double[] x = {lo - pad, hi + pad};
            double[] y = {100 * full, 100 * full};
            chart.addSeries("full (100%)", x, y).setMarker(SeriesMarkers.NONE);
        }
        Path png = dir.resolve("llm-bench.png");
        AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        files.add(png);
        return files;
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static String pm(double[] v) {
        if (Double.isNaN(v[0])) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * v[0], 100 * v[1]);
    }

    private static String signed(double[] v) {
        return String.format(Locale.ROOT, "%+.1f ± %.1f", 100 * v[0], 100 * v[1]);
    }
}
