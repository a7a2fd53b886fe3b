package ai.curator.lm.stage;

import ai.curator.api.PromptResponse;
import ai.curator.api.Selection;
import ai.curator.api.Table;
import ai.curator.recipe.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Renders the training subset (JSONL) and the trainer configuration (JSON) of a {@code finetune}
 * stage. Both are byte-for-byte functions of the data, the selection and the options, so that the
 * same recipe gives the same files.
 */
public final class TrainingFiles {
    /** The subset column a per-example weighted loss should use: {@code count·weight}. */
    public static final String WEIGHT_COLUMN = "sample_weight";

    private static final com.fasterxml.jackson.databind.ObjectWriter LINE =
            Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private TrainingFiles() {}

    /**
     * One JSON object a line per selected row, in row order: {@code id}, {@code prompt}, {@code
     * response}, {@code messages} (user then assistant turn), {@code weight} (one copy), {@code
     * count} and {@code sample_weight}.
     */
    public static byte[] subset(Table table, Selection sel, PromptResponse texts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < sel.size(); i++) {
            int row = sel.rows()[i];
            PromptResponse.Text t = texts.text(table, row);
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("id", table.idText(row));
            o.put("prompt", t.prompt());
            o.put("response", t.response());
            ArrayNode m = o.putArray("messages");
            m.addObject().put("role", "user").put("content", t.prompt());
            m.addObject().put("role", "assistant").put("content", t.response());
            o.put("weight", sel.weights()[i]);
            o.put("count", sel.counts()[i]);
            o.put(WEIGHT_COLUMN, sel.counts()[i] * sel.weights()[i]);
            out.writeBytes(line(o));
        }
        return out.toByteArray();
    }

    /**
     * The trainer configuration: base model, output directory, subset path and its weight and count
     * columns, method, LoRA settings, hyper-parameters and seed.
     */
    public static byte[] config(
            String method, FinetuneStage.Options o, TrainingSet set, long seed, String subsetSha256) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("base_model", set.baseModel());
        c.put("output_dir", set.outputDir().toString());
        c.put("subset", set.subset().toString());
        c.put("subset_sha256", subsetSha256);
        c.put("rows", set.rows());
        c.put("draws", set.draws());
        c.put("prompt_column", "prompt");
        c.put("response_column", "response");
        c.put("messages_column", "messages");
        c.put("weight_column", WEIGHT_COLUMN);
        c.put("count_column", "count");
        c.put("method", method);
        if (method.equals("lora")) {
            ObjectNode l = c.putObject("lora");
            l.put("r", o.loraR());
            l.put("alpha", o.loraAlpha());
            l.put("dropout", o.loraDropout());
            ArrayNode t = l.putArray("target_modules");
            o.targetModules().forEach(t::add);
        }
        c.put("learning_rate", o.learningRate());
        c.put("epochs", o.epochs());
        c.put("batch_size", o.batchSize());
        c.put("max_length", o.maxLength());
        c.put("warmup_ratio", o.warmupRatio());
        c.put("seed", seed);
        try {
            return (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] line(ObjectNode o) {
        try {
            return (LINE.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
