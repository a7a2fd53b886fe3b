package ai.curator.spark;

import ai.curator.api.RecipeException;
import ai.curator.api.StageException;
import ai.curator.export.FileExporter;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The export stage on Spark: the selected rows in input order with the columns one machine writes
 * ({@code id}, the data's columns, {@code weight} of one copy, {@code count}, the score columns,
 * {@code method}), as Spark writes them: a folder of part files per format ({@code subset.jsonl/},
 * {@code subset.parquet/}), each written under a temporary name and renamed, with {@code
 * <folder>.provenance.json} beside it.
 */
final class SparkExport {
    private SparkExport() {}

    /** The columns of the export, in order. */
    static List<Column> columns(SparkLoad.Loaded data, List<String> scores, String method, String prefix) {
        List<Column> out = new ArrayList<>();
        String idName = prefix + "id";
        if (data.idColumn() == null || !data.idColumn().equals(idName)) {
            if (data.columns().contains(idName)) {
                throw new RecipeException("The data set has a column '" + idName
                        + "' that is not its id column (dataset.id is '" + data.idColumn()
                        + "'); set export's column_prefix (e.g. 'curator_') or rename the column");
            }
            out.add(functions
                    .col(data.idColumn() == null ? SparkLoad.ROW : data.idColumn())
                    .as(idName));
        }
        for (String c : data.columns()) {
            out.add(functions.col("`" + c + "`"));
        }
        for (String a : List.of(prefix + "weight", prefix + "count", prefix + "method")) {
            if (data.columns().contains(a) || scores.contains(a)) {
                throw new RecipeException("the data set has a column '" + a + "', which export also writes; "
                        + "set export's column_prefix (e.g. 'curator_') or rename the column");
            }
        }
        out.add(functions.col(SparkSelect.WEIGHT).as(prefix + "weight"));
        out.add(functions.col(SparkSelect.COUNT).as(prefix + "count"));
        for (String s : scores) {
            out.add(functions.col("`" + s + "`"));
        }
        out.add(functions.lit(method).as(prefix + "method"));
        return out;
    }

    /**
     * Checks that the output URI's file system takes a folder and a file there (created and deleted),
     * before any work.
     *
     * @throws RecipeException naming the URI and why not
     */
    static void prepare(String uri, org.apache.hadoop.conf.Configuration conf) {
        try {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
            org.apache.hadoop.fs.FileSystem fs = fileSystem(dir, conf);
            fs.mkdirs(dir);
            org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(dir, ".write-check.tmp");
            try (java.io.OutputStream out = fs.create(probe, true)) {
                out.write(0);
            }
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            String why = SparkLoad.firstLine(e);
            String hint = why.contains("FileSystem") && (why.contains("not found") || why.contains("No FileSystem"))
                    ? "; Hadoop has no file system for this scheme on the class path (hdfs:// and file:// are"
                            + " bundled; for s3a:// put hadoop-aws and the AWS SDK bundle of the same Hadoop version"
                            + " in the distribution's lib/ or pass them to spark-submit --jars)"
                    : "";
            throw new RecipeException(
                    "Output '" + uri + "' is not writable (" + e.getClass().getSimpleName() + ": " + why + ")" + hint
                            + "; set 'output' in the recipe or pass --output DIR|URI");
        }
    }

    /**
     * Writes the selected rows to a folder on any Hadoop file system ({@code hdfs://}, {@code
     * s3a://}, {@code file://}; a local folder as {@code new Path(folder.toUri())}, so that
     * characters such as {@code %} stay themselves): each format's part files
     * written under a temporary name and renamed (atomic on HDFS and local disks; a copy on object
     * stores such as S3), the provenance file likewise. Returns what was written: local paths for
     * local folders, else URIs.
     */
    static List<String> write(
            Dataset<Row> rows,
            FileExporter.Options options,
            org.apache.hadoop.fs.Path dir,
            org.apache.hadoop.conf.Configuration conf,
            ObjectNode provenance,
            long count,
            long draws,
            String method) {
        List<String> written = new ArrayList<>();
        Dataset<Row> ordered = rows.orderBy(SparkLoad.ROW).drop(SparkLoad.ROW);
        for (String f : options.formats()) {
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, options.name() + "." + f);
            org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir, "." + options.name() + "." + f + ".tmp");
            try {
                org.apache.hadoop.fs.FileSystem fs = fileSystem(dir, conf);
                fs.mkdirs(dir);
                fs.delete(tmp, true);
                switch (f) {
                    case "jsonl" -> ordered.write().json(tmp.toString());
                    case "parquet" -> ordered.write().parquet(tmp.toString());
                    default -> throw new RecipeException(
                            "export format " + f + " does not run on --engine spark; use jsonl or parquet");
                }
                fs.delete(target, true);
                if (!fs.rename(tmp, target)) {
                    throw new IOException("rename " + tmp + " -> " + target + " failed");
                }
                ObjectNode prov = provenance(provenance, target.getName(), f, count, draws, method, ordered);
                org.apache.hadoop.fs.Path provFile =
                        new org.apache.hadoop.fs.Path(dir, target.getName() + ".provenance.json");
                org.apache.hadoop.fs.Path provTmp =
                        new org.apache.hadoop.fs.Path(dir, "." + provFile.getName() + ".tmp");
                try (java.io.OutputStream out = fs.create(provTmp, true)) {
                    out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(prov));
                }
                fs.delete(provFile, false);
                if (!fs.rename(provTmp, provFile)) {
                    throw new IOException("rename " + provTmp + " -> " + provFile + " failed");
                }
                written.add(shown(fs, target));
                written.add(shown(fs, provFile));
            } catch (IOException e) {
                throw new StageException("Cannot write " + target + ": " + e.getMessage(), e);
            }
        }
        return written;
    }

    /** The folder's file system; local folders without Hadoop's {@code .crc} side files. */
    static org.apache.hadoop.fs.FileSystem fileSystem(
            org.apache.hadoop.fs.Path dir, org.apache.hadoop.conf.Configuration conf) throws IOException {
        org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(conf);
        return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    private static String shown(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path p) {
        org.apache.hadoop.fs.Path q = fs.makeQualified(p);
        return "file".equals(q.toUri().getScheme()) ? q.toUri().getPath() : q.toString();
    }

    /** The export's provenance: the run's, plus what this output holds. */
    private static ObjectNode provenance(
            ObjectNode run, String folder, String format, long count, long draws, String method, Dataset<Row> rows) {
        ObjectNode prov = run.deepCopy();
        ObjectNode o = prov.putObject("output");
        o.put("folder", folder);
        o.put("format", format);
        o.put("layout", "Spark part files (part-*), rows in input order across the parts");
        o.put("rows", count);
        o.put("draws", draws);
        o.put("method", method);
        o.set("columns", Json.MAPPER.valueToTree(List.of(rows.columns())));
        return prov;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
