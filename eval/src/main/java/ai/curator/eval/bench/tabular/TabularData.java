package ai.curator.eval.bench.tabular;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.pipeline.DatasetLoader;
import ai.curator.recipe.DatasetSpec;
import ai.curator.tabular.FeatureEmbedder;
import ai.curator.tabular.Labels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled numeric table for the benchmark: every column but the label (and an {@code id}
 * column, if present) is a feature and must be numeric.
 *
 * @param name data set name (file name without extensions)
 * @param x raw (unstandardised) features, N × d
 * @param y class of each row
 * @param classes class label texts
 * @param features feature column names
 */
public record TabularData(String name, FloatMatrix x, int[] y, List<String> classes, List<String> features) {

    /**
     * Loads a CSV/TSV (optionally .gz) file.
     *
     * @throws DataException for a missing label column, a non-numeric feature, a non-finite value, or
     *     a single class
     */
    public static TabularData load(Path path, String label) {
        return load(path, label, null);
    }

    /**
     * As {@link #load(Path, String)}, with the row-id column named (null: a column named {@code id},
     * if there is one); the id column is not a feature.
     *
     * @throws DataException also when {@code id} names a column the file does not have
     */
    public static TabularData load(Path path, String label, String id) {
        Table t = DatasetLoader.load(new DatasetSpec(path.toString(), "auto", id, null, null, null), path);
        if (!t.hasColumn(label)) {
            throw new DataException("Label column '" + label + "' is not in " + path + "; columns are "
                    + t.columnNames() + " (choose one with --label)");
        }
        List<String> features = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Column c : t.columns()) {
            if (c.name().equals(label) || c.name().equals(t.idColumn())) {
                continue;
            }
            if (c.type().isNumeric()) {
                features.add(c.name());
            } else {
                bad.add(c.name() + " (" + c.type() + ")");
            }
        }
        if (!bad.isEmpty()) {
            throw new DataException(
                    "Non-numeric feature column(s) in " + path + ": " + bad
                            + "; the tabular benchmark needs numeric features — encode them (e.g. one-hot or ordinal) or drop them");
        }
        if (features.isEmpty()) {
            throw new DataException(path + " has no feature columns besides the label '" + label + "'");
        }
        FloatMatrix x = FeatureEmbedder.matrix(t, features, false);
        Labels l = Labels.of(t, label);
        if (l.classCount() < 2) {
            throw new DataException("Label '" + label + "' in " + path + " has a single class ("
                    + l.classes().get(0) + "); a classification benchmark needs at least two");
        }
        String name = path.getFileName().toString().replaceAll("\\.(tsv|csv)(\\.gz)?$", "");
        return new TabularData(name, x, l.y(), l.classes(), List.copyOf(features));
    }

    public int rows() {
        return y.length;
    }

    public int classCount() {
        return classes.size();
    }

    /**
     * A stratified random subsample of about {@code max} rows (each class keeps its share, at least
     * one row); the whole table when {@code max} ≥ N. For quick runs and tests, not for reported
     * figures.
     */
    public TabularData subsample(int max, long seed) {
        if (max >= rows()) {
            return this;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] counts = Labels.counts(y, classCount());
        List<Integer> keep = new ArrayList<>();
        for (int c = 0; c < classCount(); c++) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == c) {
                    rows.add(i);
                }
            }
            java.util.Collections.shuffle(rows, new java.util.Random(rnd.nextLong()));
            int take = counts[c] == 0 ? 0 : Math.max(1, (int) Math.round(counts[c] * (double) max / rows()));
            keep.addAll(rows.subList(0, Math.min(take, rows.size())));
        }
        int[] idx = keep.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] ys = new int[idx.length];
        for (int j = 0; j < idx.length; j++) {
            ys[j] = y[idx[j]];
        }
        return new TabularData(name, x.selectRows(idx), ys, classes, features);
    }
}
