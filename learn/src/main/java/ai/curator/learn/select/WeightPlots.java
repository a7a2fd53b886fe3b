package ai.curator.learn.select;

import ai.curator.io.AtomicFiles;
import ai.curator.learn.select.algo.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** PNG plots of a selector's {@link Trace}: the histogram of p over training, and the kept fraction per class. */
public final class WeightPlots {
    private WeightPlots() {}

    /** Writes the histogram of p at each snapshot (share of rows per bin, one line per snapshot). */
    public static void histogram(Trace trace, String title, Path file) {
        XYChart c = new XYChartBuilder()
                .width(800)
                .height(500)
                .title(title)
                .xAxisTitle("selection probability p")
                .yAxisTitle("share of rows")
                .build();
        double[] x = new double[Trace.BINS];
        for (int b = 0; b < Trace.BINS; b++) {
            x[b] = (b + 0.5) / Trace.BINS;
        }
        for (Trace.Snapshot s : trace.snapshots()) {
            double total = 0;
            for (int h : s.histogram()) {
                total += h;
            }
            double[] y = new double[Trace.BINS];
            for (int b = 0; b < Trace.BINS; b++) {
                y[b] = s.histogram()[b] / total;
            }
            c.addSeries(
                    "iteration " + s.iteration() + (Double.isNaN(s.tau()) ? "" : String.format(" (tau %.2f)", s.tau())),
                    x,
                    y);
        }
        write(c, file);
    }

    /** Writes the selected fraction per class as bars. */
    public static void classFraction(Trace trace, List<String> classes, String title, Path file) {
        CategoryChart c = new CategoryChartBuilder()
                .width(800)
                .height(500)
                .title(title)
                .xAxisTitle("class")
                .yAxisTitle("fraction of the class selected")
                .build();
        double[] f = trace.classFraction();
        List<String> xs = new ArrayList<>();
        List<Number> ys = new ArrayList<>();
        for (int k = 0; k < f.length; k++) {
            if (!Double.isNaN(f[k])) {
                xs.add(classes.get(k));
                ys.add(f[k]);
            }
        }
        c.addSeries("selected", xs, ys);
        c.getStyler().setLegendVisible(false);
        write(c, file);
    }

    static void write(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
        try {
            AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write plot " + file + ": " + e.getMessage(), e);
        }
    }
}
