package ai.curator.eval.study;

import ai.curator.api.StageException;
import ai.curator.io.AtomicFiles;
import ai.curator.provenance.Version;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a study's Markdown table, CSV, PNG and provenance JSON (each to a temp file, then renamed). */
final class StudyReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StudyReport() {}

    static String structureMarkdown(List<StructureStudy.Row> rows, int n, int d) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Structure study (paper 003 Fig. 2), N = %,d rows, d = %d%n%n", n, d));
        sb.append("| k | k/N | mean dist. to nearest centre | mean low-rank error (k leverage rows) "
                + "| mean \\|ℓ − ℓ̂\\| clusters | mean \\|ℓ − ℓ̂\\| low rank (KRR) | s clusters | s low rank |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StructureStudy.Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %d | %.2f%% | %.4f | %.4f | %.4f | %.4f | %.1f | %.1f |%n",
                    r.k(),
                    100.0 * r.k() / n,
                    r.clusterDistance(),
                    r.lowRankError(),
                    r.clusterLossError(),
                    r.lowRankLossError(),
                    r.clusterSeconds(),
                    r.lowRankSeconds()));
        }
        return sb.toString();
    }

    static String structureCsv(List<StructureStudy.Row> rows) {
        StringBuilder sb = new StringBuilder(
                "k,cluster_distance,low_rank_error,cluster_loss_error,low_rank_loss_error,cluster_seconds,low_rank_seconds\n");
        for (StructureStudy.Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%d,%.9g,%.9g,%.9g,%.9g,%.3f,%.3f%n",
                    r.k(),
                    r.clusterDistance(),
                    r.lowRankError(),
                    r.clusterLossError(),
                    r.lowRankLossError(),
                    r.clusterSeconds(),
                    r.lowRankSeconds()));
        }
        return sb.toString();
    }

    static BufferedImage structurePlot(List<StructureStudy.Row> rows) {
        headless();
        double[] k = rows.stream().mapToDouble(StructureStudy.Row::k).toArray();
        XYChart a = new XYChartBuilder()
                .width(640)
                .height(480)
                .title("(a) Embedding approximation error")
                .xAxisTitle("k")
                .yAxisTitle("mean distance")
                .build();
        style(a);
        a.addSeries(
                        "nearest of k centres",
                        k,
                        rows.stream()
                                .mapToDouble(StructureStudy.Row::clusterDistance)
                                .toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        a.addSeries(
                        "span of k leverage rows",
                        k,
                        rows.stream()
                                .mapToDouble(StructureStudy.Row::lowRankError)
                                .toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        XYChart b = new XYChartBuilder()
                .width(640)
                .height(480)
                .title("(b) Loss approximation error")
                .xAxisTitle("k")
                .yAxisTitle("mean |true − approximated loss|")
                .build();
        style(b);
        b.addSeries(
                        "nearest centre's loss",
                        k,
                        rows.stream()
                                .mapToDouble(StructureStudy.Row::clusterLossError)
                                .toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        b.addSeries(
                        "kernel ridge on k leverage rows",
                        k,
                        rows.stream()
                                .mapToDouble(StructureStudy.Row::lowRankLossError)
                                .toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        return sideBySide(BitmapEncoder.getBufferedImage(a), BitmapEncoder.getBufferedImage(b));
    }

    static String lossMarkdown(List<LossApproxStudy.Cell> cells, LossApproxStudy.Options o, int n, double mean) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Loss-approximation study (paper 003 Fig. 3): N = %,d, mean loss %.6f, s = %,d draws, %d trials; "
                        + "mean Δ(S) = |mean loss − weighted mean over S| (± std over trials)%n%n",
                n,
                mean,
                o.samples(),
                o.trials()));
        for (String m : List.of(LossApproxStudy.CLUSTERING, LossApproxStudy.LOW_RANK)) {
            sb.append("**").append(m).append("** (rows k, columns λ)\n\n| k \\ λ |");
            for (double l : o.lambdas()) {
                sb.append(' ').append(fmt(l)).append(" |");
            }
            sb.append("\n|---:|");
            sb.append("---:|".repeat(o.lambdas().size())).append('\n');
            for (int k : o.ks()) {
                sb.append("| ").append(k).append(" |");
                for (double l : o.lambdas()) {
                    LossApproxStudy.Cell c = cell(cells, m, k, l);
                    sb.append(String.format(Locale.ROOT, " %.5f ± %.5f |", c.meanDelta(), c.stdDelta()));
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String lossCsv(List<LossApproxStudy.Cell> cells) {
        StringBuilder sb = new StringBuilder("method,k,lambda,mean_delta,std_delta,trials\n");
        for (LossApproxStudy.Cell c : cells) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%s,%.9g,%.9g,%d%n",
                    c.method(),
                    c.k(),
                    fmt(c.lambda()),
                    c.meanDelta(),
                    c.stdDelta(),
                    c.trials()));
        }
        return sb.toString();
    }

    static BufferedImage lossPlot(List<LossApproxStudy.Cell> cells, LossApproxStudy.Options o) {
        headless();
        // the colour scale's top, rounded up to 3 significant digits: the legend prints it as is
        double max = new java.math.BigDecimal(cells.stream()
                        .mapToDouble(LossApproxStudy.Cell::meanDelta)
                        .max()
                        .orElse(1))
                .round(new java.math.MathContext(3, java.math.RoundingMode.UP))
                .doubleValue();
        List<BufferedImage> panels = new ArrayList<>();
        for (String m : List.of(LossApproxStudy.CLUSTERING, LossApproxStudy.LOW_RANK)) {
            HeatMapChart h = new HeatMapChartBuilder()
                    .width(640)
                    .height(480)
                    .title(m + ": mean Δ(S)")
                    .xAxisTitle("λ")
                    .yAxisTitle("k (oracle calls)")
                    .build();
            h.getStyler().setChartBackgroundColor(Color.WHITE);
            h.getStyler().setShowValue(true);
            h.getStyler().setMin(0);
            h.getStyler().setMax(max);
            List<String> xs = o.lambdas().stream().map(StudyReport::fmt).toList();
            List<String> ys = o.ks().stream().map(String::valueOf).toList();
            List<Number[]> heat = new ArrayList<>();
            for (int a = 0; a < o.lambdas().size(); a++) {
                for (int b = 0; b < o.ks().size(); b++) {
                    double v = cell(cells, m, o.ks().get(b), o.lambdas().get(a)).meanDelta();
                    heat.add(new Number[] {a, b, Double.parseDouble(String.format(Locale.ROOT, "%.4g", v))});
                }
            }
            h.addSeries("Δ", xs, ys, heat);
            panels.add(BitmapEncoder.getBufferedImage(h));
        }
        return sideBySide(panels.get(0), panels.get(1));
    }

    static ObjectNode provenance(String study, ObjectNode inputs, Object options, long seed, double seconds) {
        ObjectNode p = JSON.createObjectNode();
        p.put("study", study);
        p.put("tool", "curator " + Version.version() + " (commit " + Version.commit() + ")");
        p.put("java", System.getProperty("java.version"));
        p.put("cores", Runtime.getRuntime().availableProcessors());
        p.put("seed", seed);
        p.set("inputs", inputs);
        p.set("options", JSON.valueToTree(options));
        p.put("seconds", Math.round(seconds * 10) / 10.0);
        return p;
    }

    /** Writes {@code name}.md/.csv/.png/.provenance.json into {@code dir}; returns the paths. */
    static List<Path> write(Path dir, String name, String md, String csv, BufferedImage png, ObjectNode prov) {
        try {
            Files.createDirectories(dir);
            List<Path> out = new ArrayList<>();
            Path p = dir.resolve(name + ".md");
            AtomicFiles.write(p, md.getBytes(StandardCharsets.UTF_8));
            out.add(p);
            p = dir.resolve(name + ".csv");
            AtomicFiles.write(p, csv.getBytes(StandardCharsets.UTF_8));
            out.add(p);
            p = dir.resolve(name + ".png");
            AtomicFiles.write(p, o -> {
                if (!ImageIO.write(png, "png", o)) {
                    throw new IOException("no PNG writer");
                }
            });
            out.add(p);
            p = dir.resolve(name + ".provenance.json");
            AtomicFiles.write(p, JSON.writeValueAsBytes(prov));
            out.add(p);
            return out;
        } catch (IOException e) {
            throw new StageException("cannot write the study's outputs in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static LossApproxStudy.Cell cell(List<LossApproxStudy.Cell> cells, String m, int k, double l) {
        return cells.stream()
                .filter(c -> c.method().equals(m) && c.k() == k && c.lambda() == l)
                .findFirst()
                .orElseThrow();
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    private static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static void style(XYChart c) {
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
        c.getStyler().setMarkerSize(7);
    }

    private static BufferedImage sideBySide(BufferedImage a, BufferedImage b) {
        BufferedImage out = new BufferedImage(
                a.getWidth() + b.getWidth(), Math.max(a.getHeight(), b.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, a.getWidth(), 0, null);
        g.dispose();
        return out;
    }
}
