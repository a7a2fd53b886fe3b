package ai.curator.eval.run;

import ai.curator.api.EvalTask;
import ai.curator.api.RecipeException;
import ai.curator.io.AtomicFiles;
import ai.curator.provenance.Version;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of an evaluation, each written to a temporary name and renamed: {@code run.json} (what
 * produced the predictions; a rerun into the same folder must match it), {@code examples.jsonl}
 * (per example: id, prompt, prediction, extracted answer, reference, correct, every metric's
 * tally, error), {@code summary.json} (metrics with 95% intervals and provenance), {@code
 * summary.md} and {@code summary.csv}.
 */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    /** The keys of {@code run.json} that a rerun into the same folder must repeat. */
    private static final List<String> SAME = List.of("task", "split", "data_sha256", "template", "model", "settings");

    /** How a {@link ai.curator.eval.generate.PredictionsFileGenerator} describes itself. */
    private static final String PREDICTIONS = "predictions ";

    private Reports() {}

    /** One scored example. */
    public record Row(EvalTask.Example example, String prediction, EvalTask.Scored scored) {}

    /**
     * Claims {@code out} for a run: writes {@code run.json}, or checks that the one there describes
     * the same run (task, split, data, template, model, settings). A folder that holds only a
     * copy of a predictions file is simply started over when scored from a predictions file again.
     *
     * @throws RecipeException when {@code out} holds another run's predictions
     */
    static void claim(Path out, Map<String, Object> run) {
        Path f = out.resolve("run.json");
        JsonNode now = JSON.valueToTree(run);
        try {
            if (Files.exists(f)) {
                JsonNode before = JSON.readTree(f.toFile());
                if (before.path("generator").asText().startsWith(PREDICTIONS)
                        && now.path("generator").asText().startsWith(PREDICTIONS)) {
                    // copies of a predictions file: nothing to resume, start over from the file given now
                    Files.deleteIfExists(out.resolve("predictions.jsonl"));
                    Files.delete(f);
                    claim(out, run);
                    return;
                }
                for (String k : SAME) {
                    if (!before.path(k).toString().equals(now.path(k).toString())) {
                        throw new RecipeException(out + " holds predictions of another run (" + k + ": "
                                + before.path(k) + ", now " + now.path(k) + "); use another --out or remove it");
                    }
                }
                return;
            }
            ObjectNode o = now.deepCopy();
            o.put("started", Instant.now().toString());
            AtomicFiles.write(f, JSON.writeValueAsBytes(o));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    static List<Path> write(
            Path out, EvalTask task, Map<String, Object> run, List<Row> rows, List<MetricSummary> metrics) {
        List<Path> files = new ArrayList<>();
        try {
            Path ex = out.resolve("examples.jsonl");
            AtomicFiles.write(ex, o -> {
                for (Row r : rows) {
                    ObjectNode n = LINE.createObjectNode();
                    n.put("id", r.example().id());
                    n.put("prompt", r.example().promptText());
                    n.put("prediction", r.prediction());
                    n.put("answer", r.scored().answer());
                    n.put("reference", r.example().reference());
                    n.put("correct", r.scored().correct());
                    ObjectNode ms = n.putObject("metrics");
                    r.scored()
                            .metrics()
                            .forEach((k, t) -> ms.putArray(k).add(t.hits()).add(t.total()));
                    if (r.scored().error() != null) {
                        n.put("error", r.scored().error());
                    } else {
                        n.putNull("error");
                    }
                    o.write(LINE.writeValueAsBytes(n));
                    o.write('\n');
                }
            });
            files.add(ex);

            ObjectNode s = JSON.createObjectNode();
            s.put("task", task.name());
            s.put("description", task.description());
            ArrayNode ma = s.putArray("metrics");
            for (MetricSummary m : metrics) {
                ObjectNode n = ma.addObject();
                n.put("name", m.name());
                n.put("description", m.description());
                n.put("hits", m.hits());
                n.put("total", m.total());
                n.put("examples", m.examples());
                n.put("value", m.value());
                n.put("ci95_low", m.ci().lo());
                n.put("ci95_high", m.ci().hi());
                n.put("ci_method", m.ci().method());
            }
            ObjectNode prov = s.putObject("provenance");
            prov.setAll((ObjectNode) JSON.valueToTree(run));
            prov.put("tool", "curator " + Version.version());
            prov.put("commit", Version.commit());
            prov.put("java", System.getProperty("java.version"));
            prov.put("finished", Instant.now().toString());
            Path sj = out.resolve("summary.json");
            AtomicFiles.write(sj, JSON.writeValueAsBytes(s));
            files.add(sj);

            StringBuilder md = new StringBuilder();
            md.append("# ")
                    .append(task.name())
                    .append(" (")
                    .append(run.get("split"))
                    .append(")\n\n");
            md.append("Generator: ").append(run.get("generator")).append("  \n");
            md.append("Data: ")
                    .append(run.get("data_file"))
                    .append(" (sha256 ")
                    .append(run.get("data_sha256"))
                    .append(")  \n");
            md.append("Rows: ")
                    .append(run.get("rows"))
                    .append(", scored: ")
                    .append(run.get("scored"))
                    .append("\n\n");
            md.append("| metric | correct | total | score | 95% CI |\n|---|---:|---:|---:|---|\n");
            for (MetricSummary m : metrics) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s–%s (%s) |%n",
                        m.name(),
                        MetricSummary.count(m.hits()),
                        MetricSummary.count(m.total()),
                        MetricSummary.pct(m.value()),
                        MetricSummary.pct(m.ci().lo()),
                        MetricSummary.pct(m.ci().hi()),
                        m.ci().method()));
            }
            Path smd = out.resolve("summary.md");
            AtomicFiles.write(smd, md.toString().getBytes(StandardCharsets.UTF_8));
            files.add(smd);

            StringBuilder csv = new StringBuilder("task,split,metric,hits,total,value,ci95_low,ci95_high,ci_method\n");
            for (MetricSummary m : metrics) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%s,%s,%s,%.6f,%.6f,%.6f,%s%n",
                        task.name(),
                        run.get("split"),
                        m.name(),
                        MetricSummary.count(m.hits()),
                        MetricSummary.count(m.total()),
                        m.value(),
                        m.ci().lo(),
                        m.ci().hi(),
                        m.ci().method()));
            }
            Path sc = out.resolve("summary.csv");
            AtomicFiles.write(sc, csv.toString().getBytes(StandardCharsets.UTF_8));
            files.add(sc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports in " + out, e);
        }
        return files;
    }
}
