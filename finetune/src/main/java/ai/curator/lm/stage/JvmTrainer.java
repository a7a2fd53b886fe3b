package ai.curator.lm.stage;

import ai.curator.api.DataException;
import ai.curator.api.StageContext;
import ai.curator.api.StageException;
import ai.curator.io.FileIo;
import ai.curator.lm.io.HfCheckpointWriter;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.lora.LoraConfig;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.score.LmExamples;
import ai.curator.lm.score.LmModels;
import ai.curator.lm.train.Trainer;
import ai.curator.lm.train.TrainingProgress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The in-JVM trainer ({@code backend: jvm}): loads the base model, builds every row's example
 * exactly as generation and the {@code lm} loss source render it ({@link LmExamples}), and trains
 * LoRA adapters (PEFT files) or all weights (a Hugging Face directory) with {@link Trainer}, each
 * row weighted by its selection weight × count.
 *
 * <p>Checkpoints go to the run's work directory, keyed by the subset and the options, so an
 * interrupted stage resumes where it stopped (bit-identically, as {@link Trainer} guarantees); a
 * stop request is honoured between updates.
 */
final class JvmTrainer implements TrainerBackend {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Updates between checkpoints. */
    static final int CHECKPOINT_EVERY = 50;

    private final String method;

    JvmTrainer(String method) {
        this.method = method;
    }

    /** LoRA target names: {@code q_proj} (PEFT's) or {@code q} (short) both name q. */
    static List<String> shortTargets(List<String> modules) {
        List<String> out = new ArrayList<>();
        for (String m : modules) {
            String s = m.endsWith("_proj") ? m.substring(0, m.length() - "_proj".length()) : m;
            if (!LoraConfig.TARGETS.contains(s)) {
                throw new DataException("finetune.target_modules: unknown module '" + m
                        + "'; use q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
            }
            out.add(s);
        }
        return out;
    }

    @Override
    public Map<String, Object> train(TrainingSet set, FinetuneStage.Options o, StageContext ctx) {
        long t0 = System.nanoTime();
        Path base = Path.of(set.baseModel());
        try (CausalLm lm = LmModels.load(base, null)) {
            LmExamples examples = new LmExamples(
                    lm,
                    null,
                    Math.min(o.maxLength(), lm.config().maxPositions()),
                    o.tooLong().equals("truncate"),
                    "; raise finetune.max_length (up to the model's context), shorten the rows, or set"
                            + " finetune.too_long: skip or truncate");
            List<String> skipped = new ArrayList<>();
            List<Trainer.Sample> samples =
                    samples(set.subset(), examples, o.tooLong().equals("skip") ? skipped : null);
            if (samples.isEmpty() && !skipped.isEmpty()) {
                throw new DataException("finetune: every one of the " + skipped.size() + " rows is longer than "
                        + examples.maxLength() + " tokens (too_long: skip left none to train on)");
            }
            long seed = FinetuneStage.seed(ctx, o);
            Trainer.Options topts = new Trainer.Options(
                    o.learningRate(),
                    o.batchSize(),
                    null,
                    o.epochs(),
                    null,
                    o.maxLength(),
                    Trainer.Overflow.TRUNCATE,
                    null,
                    o.warmupRatio() > 0 ? o.warmupRatio() : null,
                    o.warmupRatio() > 0 ? null : 0,
                    null,
                    null,
                    seed,
                    CHECKPOINT_EVERY,
                    2);
            Path checkpoints = ctx.workDir()
                    .resolve("finetune-" + method + "-"
                            + FileIo.sha256((set.sha256() + "\0" + JSON.valueToTree(o) + "\0" + seed + "\0"
                                                    + LmModels.sha256(base))
                                            .getBytes(StandardCharsets.UTF_8))
                                    .substring(0, 16));
            Files.createDirectories(checkpoints);
            TrainingProgress progress = new TrainingProgress(System.err, System.console() != null, null);
            Trainer.Listener listener = s -> {
                progress.onStep(s);
                ctx.checkCancelled();
            };
            Trainer.Result r;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("backend", "jvm");
            d.put("too_long", o.tooLong());
            if (o.tooLong().equals("skip")) {
                d.put("rows_skipped_too_long", skipped.size());
                d.put("rows_skipped_too_long_ids", skipped.subList(0, Math.min(20, skipped.size())));
            }
            if (method.equals("full")) {
                r = Trainer.full(lm, topts).train(samples, checkpoints, true, listener);
                Files.delete(set.outputDir()); // the writer makes the directory itself
                HfCheckpointWriter.write(set.outputDir(), lm.toCheckpoint());
            } else {
                LoraConfig lc = new LoraConfig(
                        o.loraR(), (double) o.loraAlpha(), o.loraDropout(), shortTargets(o.targetModules()), seed);
                try (LoraAdapter adapter = LoraAdapter.create(lm, lc)) {
                    r = Trainer.lora(lm, adapter, topts).train(samples, checkpoints, true, listener);
                    adapter.save(set.outputDir(), set.baseModel());
                }
            }
            double[] losses = r.losses();
            d.put("samples", r.samples());
            d.put("updates", r.steps());
            d.put("resumed_from_update", r.resumedFrom());
            d.put("truncated", r.truncated());
            d.put("tokens", r.tokens());
            d.put("tokens_per_second", Math.round(r.tokensPerSecond()));
            if (losses.length > 0) {
                d.put("first_loss", losses[0]);
                d.put("last_loss", losses[losses.length - 1]);
            }
            d.put("wall_seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
            d.put("checkpoints", checkpoints.toString());
            return d;
        } catch (IOException e) {
            throw new StageException("finetune: " + e.getMessage(), e);
        }
    }

    /** The subset file's rows as weighted samples (rows of weight or count 0 are kept; Trainer drops them). */
    /**
     * The training samples of the subset's rows.
     *
     * @param skipped null: a too-long row is an error; else such rows are left out and their ids added
     */
    private static List<Trainer.Sample> samples(Path subset, LmExamples examples, List<String> skipped)
            throws IOException {
        List<Trainer.Sample> out = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(subset, StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(text);
            String id = row.path("id").asText();
            String where = "row id '" + id + "' (line " + line + " of " + subset.getFileName() + ")";
            String prompt = row.path("prompt").asText();
            String response = row.path("response").asText();
            LmExamples.Built b = skipped == null
                    ? examples.example(where, prompt, response)
                    : examples.exampleIfFits(where, prompt, response);
            if (b == null) {
                skipped.add(id);
                continue;
            }
            out.add(new Trainer.Sample(
                    id,
                    b.example(),
                    row.path("weight").asDouble(),
                    row.path("count").asInt()));
        }
        return out;
    }
}
