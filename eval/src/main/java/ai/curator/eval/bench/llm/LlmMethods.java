package ai.curator.eval.bench.llm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's methods as recipe stages: what each one runs between loading the training split
 * and exporting the subset. {@code full} selects nothing (every row, weight 1).
 *
 * <ul>
 *   <li>{@code uniform}: a uniform sample without replacement, weight N/s.
 *   <li>{@code clustering}: clustering sensitivity (k-means++ ×10 restarts; the loss of the row
 *       nearest each centroid from the base model; k = landmarks × N, the same oracle budget as
 *       low-rank), drawn with replacement ∝ σ, weight 1/(s·p).
 *   <li>{@code lowrank}: low-rank sensitivity in landmarks mode (paper 003 §4.2: leverage landmarks,
 *       their losses from the base model, RBF kernel ridge for the rest, γ = 0), drawn the same way.
 *   <li>{@code k_means}, {@code k_center}, {@code nn_thinning}: the row nearest each of k = s
 *       centroids, weighted by cluster size; the farthest-point cover; near-duplicate thinning.
 *       Losses are not used. (ASSS needs class labels, which instruction data has not.)
 * </ul>
 */
public final class LlmMethods {
    public static final List<String> NAMES =
            List.of("full", "uniform", "clustering", "lowrank", "k_means", "k_center", "nn_thinning");

    private LlmMethods() {}

    /** Whether the method uses the embeddings. */
    static boolean embeds(String method) {
        return !method.equals("full") && !method.equals("uniform");
    }

    /** Whether the method asks the base model for losses. */
    static boolean usesLosses(String method) {
        return method.equals("clustering") || method.equals("lowrank");
    }

    /**
     * The stages of a method's selection recipe, export included.
     *
     * @param rows the training split's row count (sets the clustering baseline's k)
     * @param model the base model's absolute path (the loss source)
     * @param context the model's context in tokens, or null when unknown (the loss source then
     *     takes up to the whole context, truncating longer rows)
     * @param context the model's context in tokens, or null when unknown (the loss source then
     *     takes up to the whole context, truncating longer rows)
     */
    static List<Map<String, Object>> selectionStages(
            LlmBenchConfig c, String method, String budget, int rows, Path model, Integer context) {
        List<Map<String, Object>> stages = new ArrayList<>();
        if (embeds(method)) {
            stages.add(stage("embed", "encoder", "model", c.encoder()));
        }
        Map<String, Object> loss = new LinkedHashMap<>();
        loss.put("source", "lm");
        loss.put("model", model.toString());
        loss.put("prompt", c.trainPrompt());
        loss.put("response", c.trainResponse());
        loss.put("batch_size", 16);
        if (context != null) {
            loss.put("max_length", Math.min(c.maxLength(), context)); // as the trainer caps it
        }
        loss.put("truncate", true);
        switch (method) {
            case "uniform" -> stages.add(stage("select", "uniform", "budget", budget));
            case "clustering" -> {
                Map<String, Object> s = stage("score", "clustering_sensitivity", "clusters", clusters(c, rows));
                body(s).put("lambda", c.lambda());
                body(s).put("restarts", 10);
                body(s).put("max_iterations", 100);
                body(s).put("loss", loss);
                stages.add(s);
                stages.add(stage("select", "sensitivity_sampling", "budget", budget));
            }
            case "lowrank" -> {
                Map<String, Object> s = stage("score", "low_rank_sensitivity", "mode", "landmarks");
                body(s).put("rank", c.rank());
                body(s).put("landmarks", c.landmarks());
                body(s).put("gamma", 0);
                body(s).put("lambda", c.lambda());
                body(s).put("loss", loss);
                stages.add(s);
                stages.add(stage("select", "sensitivity_sampling", "budget", budget));
            }
            case "k_means" -> stages.add(stage("select", "k_means", "budget", budget));
            case "k_center" -> stages.add(stage("select", "k_center_greedy", "budget", budget));
            case "nn_thinning" -> stages.add(stage("select", "nn_thinning", "budget", budget));
            default -> throw new IllegalArgumentException("no selection stages for method " + method);
        }
        stages.add(stage("export", "files", "formats", List.of("jsonl")));
        return stages;
    }

    /** The clustering baseline's k: as many clusters as low-rank has landmarks. */
    static int clusters(LlmBenchConfig c, int rows) {
        return (int) Math.max(1, Math.round(c.landmarks() * rows));
    }

    static Map<String, Object> stage(String role, String method, String key, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("method", method);
        body.put(key, value);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(role, body);
        return s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Map<String, Object> stage) {
        return (Map<String, Object>) stage.values().iterator().next();
    }
}
