package ai.curator.eval.bench.llm;

import ai.curator.api.EvalTask;
import ai.curator.api.StageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A finished run's {@code result.json}, read from what its two recipes wrote: the selection's
 * provenance (stage seconds, the loss oracle's rows, tokens and seconds), the fine-tuning's
 * provenance (rows, draws, tokens, updates, losses), the evaluation's {@code summary.json}
 * (metrics) and the stage records (seconds) in the training recipe's work folder.
 */
final class LlmRunResult {
    private LlmRunResult() {}

    static ObjectNode collect(
            LlmBench.Run r, EvalTask task, String split, Path dir, double selectWall, double trainWall)
            throws IOException {
        ObjectNode o = LlmBench.JSON.createObjectNode();
        o.put("id", r.id());
        o.put("task", task.name());
        o.put("method", r.method());
        o.put("budget", r.budget());
        o.put("fraction", r.fraction());
        o.put("seed", r.seed());
        ObjectNode cost = LlmBench.JSON.createObjectNode();
        double embed = 0;
        double score = 0;
        double select = 0;
        long oracleRows = 0;
        long oracleTokens = 0;
        double oracleSeconds = 0;
        if (!r.full()) {
            JsonNode prov = read(dir.resolve("select").resolve("subset.jsonl.provenance.json"));
            for (JsonNode s : prov.path("stages")) {
                double sec = s.path("seconds").asDouble();
                switch (s.path("role").asText()) {
                    case "embed" -> embed += sec;
                    case "score" -> {
                        score += sec;
                        JsonNode or = s.path("details").path("oracle");
                        oracleRows += or.path("rows").asLong();
                        oracleTokens += or.path("tokens").asLong();
                        oracleSeconds += or.path("seconds").asDouble();
                    }
                    case "select" -> select += sec;
                    default -> {}
                }
            }
        }
        cost.put("embed_seconds", embed);
        cost.put("score_seconds", score);
        cost.put("select_seconds", select);
        cost.put("selection_seconds", embed + score + select);
        cost.put("oracle_rows", oracleRows);
        cost.put("oracle_tokens", oracleTokens);
        cost.put("oracle_seconds", oracleSeconds);
        JsonNode ft = read(dir.resolve("train").resolve("finetune").resolve("provenance.json"))
                .path("finetune");
        o.put("rows", ft.path("rows").asInt());
        o.put("draws", ft.path("draws").asInt());
        JsonNode tr = ft.path("trainer");
        cost.put("finetune_tokens", tr.path("tokens").asLong());
        cost.put("finetune_updates", tr.path("updates").asInt());
        cost.put("finetune_tokens_per_second", tr.path("tokens_per_second").asDouble());
        cost.put("finetune_seconds", stageSeconds(dir.resolve("train"), "finetune"));
        cost.put("eval_seconds", stageSeconds(dir.resolve("train"), "eval"));
        cost.put("select_recipe_wall_seconds", Math.round(selectWall * 10) / 10.0);
        cost.put("train_recipe_wall_seconds", Math.round(trainWall * 10) / 10.0);
        o.put("first_train_loss", tr.path("first_loss").asDouble(Double.NaN));
        o.put("last_train_loss", tr.path("last_loss").asDouble(Double.NaN));
        JsonNode summary =
                read(dir.resolve("train").resolve("eval").resolve(task.name()).resolve("summary.json"));
        ObjectNode metrics = o.putObject("metrics");
        String headline = null;
        int evalRows = 0;
        for (JsonNode m : summary.path("metrics")) {
            if (headline == null) {
                headline = m.path("name").asText();
                evalRows = m.path("examples").asInt();
            }
            metrics.put(m.path("name").asText(), m.path("value").asDouble());
        }
        if (headline == null) {
            throw new StageException(dir + ": the evaluation's summary.json has no metric");
        }
        String head = headline(task.name(), split, headline);
        for (JsonNode m : summary.path("metrics")) {
            if (m.path("name").asText().equals(head)) {
                evalRows = m.path("examples").asInt();
            }
        }
        o.put("headline", head);
        o.put("eval_rows", evalRows);
        o.set("cost", cost);
        return o;
    }

    /**
     * The metric a run is ranked by: the task's first (HALO's rule), except SQL on {@code mock}, whose
     * published gold queries are lower-cased so that exact match is 0 by construction: execution
     * accuracy there.
     */
    static String headline(String task, String split, String first) {
        return task.equals("sql") && "mock".equals(split) ? "execution" : first;
    }

    private static JsonNode read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new StageException("the run finished but " + f + " is missing");
        }
        return LlmBench.JSON.readTree(f.toFile());
    }

    /** The seconds of the stage of this role in the recipe output's work folder ({@code .work}). */
    private static double stageSeconds(Path output, String role) throws IOException {
        Path work = output.resolve(".work");
        if (!Files.isDirectory(work)) {
            return Double.NaN;
        }
        try (Stream<Path> dirs = Files.list(work)) {
            List<Path> ds = dirs.filter(d -> d.getFileName().toString().matches("\\d+-" + role + "-.*"))
                    .sorted()
                    .toList();
            double s = 0;
            for (Path d : ds) {
                Path rec = d.resolve("stage.json");
                if (Files.isRegularFile(rec)) {
                    s += LlmBench.JSON.readTree(rec.toFile()).path("seconds").asDouble();
                }
            }
            return s;
        }
    }
}
