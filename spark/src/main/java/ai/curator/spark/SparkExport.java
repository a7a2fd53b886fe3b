package ai.curator.spark;

import ai.curator.api.RecipeException;
import ai.curator.api.StageException;
import ai.curator.export.FileExporter;
import ai.curator.io.AtomicFiles;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** Writes the selected rows; returns the folders and provenance files written. */
    static List<Path> write(
            Dataset<Row> rows,
            FileExporter.Options options,
            Path outputDir,
            ObjectNode provenance,
            long count,
            long draws,
            String method) {
        List<Path> written = new ArrayList<>();
        Dataset<Row> ordered = rows.orderBy(SparkLoad.ROW).drop(SparkLoad.ROW);
        for (String f : options.formats()) {
            Path target = outputDir.resolve(options.name() + "." + f);
            Path tmp = outputDir.resolve("." + options.name() + "." + f + ".tmp");
            try {
                Files.createDirectories(outputDir);
                deleteTree(tmp);
                switch (f) {
                    case "jsonl" -> ordered.write().json(tmp.toString());
                    case "parquet" -> ordered.write().parquet(tmp.toString());
                    default -> throw new RecipeException(
                            "export format " + f + " does not run on --engine spark; use jsonl or parquet");
                }
                deleteTree(target);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                ObjectNode prov = provenance.deepCopy();
                ObjectNode o = prov.putObject("output");
                o.put("folder", target.getFileName().toString());
                o.put("format", f);
                o.put("layout", "Spark part files (part-*), rows in input order across the parts");
                o.put("rows", count);
                o.put("draws", draws);
                o.put("method", method);
                o.set("columns", Json.MAPPER.valueToTree(List.of(ordered.columns())));
                Path provFile = target.resolveSibling(target.getFileName() + ".provenance.json");
                AtomicFiles.write(
                        provFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(prov));
                written.add(target);
                written.add(provFile);
            } catch (IOException e) {
                throw new StageException("Cannot write " + target + ": " + e.getMessage(), e);
            }
        }
        return written;
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
