package ai.curator.eval.study;

import ai.curator.api.DataException;
import ai.curator.api.EvalTask;
import ai.curator.api.RecipeException;
import ai.curator.io.ArrowIo;
import ai.curator.io.AtomicFiles;
import ai.curator.linalg.FloatMatrix;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.LmGenerator;
import ai.curator.lm.model.SequenceLoss;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A study's inputs: one embedding per row (an Arrow matrix, e.g. the {@code embeddings.arrow} an
 * {@code embed} stage leaves in its recipe's work directory, rows in data order) and one loss per
 * row (a JSONL file of {@code {"id": ..., "loss": ...}}, or computed here by an in-JVM language
 * model on the task's prompt and reference).
 *
 * @param ids row ids, in data order
 * @param x embeddings, {@code N × d}
 * @param losses per-row losses, finite and &ge; 0
 */
public record StudyData(List<String> ids, FloatMatrix x, double[] losses) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public StudyData {
        if (ids.size() != x.rows() || losses.length != x.rows()) {
            throw new DataException("the study's inputs disagree: " + ids.size() + " ids, " + x.rows() + " embeddings, "
                    + losses.length + " losses");
        }
    }

    /** Reads an embedding matrix (Arrow IPC, one fixed-size list column). */
    public static FloatMatrix embeddings(Path arrow) {
        if (!Files.isRegularFile(arrow)) {
            throw new DataException("embeddings file '" + arrow + "' does not exist; run an embed stage (e.g. "
                    + "scripts/curator run recipes/gsm8k-lowrank.yaml) and pass WORK_DIR/01-embed-*/embeddings.arrow");
        }
        FloatMatrix x = ArrowIo.readMatrix(arrow);
        x.requireFinite("embeddings " + arrow);
        return x;
    }

    /** The task split's examples (its ids, prompts and references, in file order). */
    public static List<EvalTask.Example> examples(String task, String split, Path dataRoot) {
        EvalTask t = EvalTask.named(task);
        Path file = dataRoot.resolve(t.split(split).file());
        return t.examples(file);
    }

    /**
     * Per-row losses from a JSONL file of {@code {"id": ID, "loss": L}} lines, ordered as {@code ids}.
     *
     * @throws DataException naming file and line for a bad line, or the first id without a loss
     */
    public static double[] lossesFromFile(Path file, List<String> ids) {
        Map<String, Double> byId = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(lines.get(i));
                } catch (IOException e) {
                    throw new DataException(file + ":" + (i + 1) + ": not JSON: " + e.getMessage());
                }
                JsonNode id = n.get("id");
                JsonNode l = n.get("loss");
                if (id == null
                        || l == null
                        || !l.isNumber()
                        || !(l.doubleValue() >= 0)
                        || Double.isInfinite(l.doubleValue())) {
                    throw new DataException(file + ":" + (i + 1)
                            + ": needs {\"id\": ..., \"loss\": a finite number >= 0}, got " + lines.get(i));
                }
                byId.put(id.asText(), l.doubleValue());
            }
        } catch (IOException e) {
            throw new DataException("cannot read losses '" + file + "': " + e.getMessage(), e);
        }
        double[] out = new double[ids.size()];
        for (int i = 0; i < out.length; i++) {
            Double l = byId.get(ids.get(i));
            if (l == null) {
                throw new DataException(file + " has no loss for id '" + ids.get(i) + "' (row " + i + ")");
            }
            out[i] = l;
        }
        return out;
    }

    /**
     * Losses computed in the JVM: the mean NLL of each reference given its prompt under the model at
     * {@code model} (GGUF, llama2.c or Hugging Face checkpoint), the prompt rendered in {@code format}
     * and cut from the left when longer than the context.
     */
    public static double[] lossesFromModel(Path model, List<EvalTask.Example> examples, ChatFormat format, int batch) {
        try (CausalLm lm = CausalLm.load(CheckpointLoader.load(model))) {
            LmGenerator g = new LmGenerator(lm, new LmGenerator.Options(batch, format));
            List<SequenceLoss.Example> ex = new ArrayList<>(examples.size());
            for (EvalTask.Example e : examples) {
                ex.add(g.example(e.id(), e.prompt(), e.reference()));
            }
            return new SequenceLoss(lm, new SequenceLoss.Options(batch, SequenceLoss.Overflow.TRUNCATE_LEFT))
                    .losses(ex);
        } catch (IOException e) {
            throw new RecipeException("cannot load model '" + model + "': " + e.getMessage(), e);
        }
    }

    /** Writes {@code {"id": ..., "loss": ...}} lines (temp file, then rename). */
    public static void writeLosses(Path file, List<String> ids, double[] losses) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < losses.length; i++) {
            sb.append("{\"id\":")
                    .append(JSON.valueToTree(ids.get(i)).toString())
                    .append(",\"loss\":")
                    .append(String.format(Locale.ROOT, "%.9g", losses[i]))
                    .append("}\n");
        }
        try {
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataException("cannot write '" + file + "': " + e.getMessage(), e);
        }
    }
}
