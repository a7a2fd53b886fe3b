package ai.curator.eval.bench.llm;

import ai.curator.api.Budget;
import ai.curator.api.RecipeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of {@code curator bench llm}, validated, with its default in one place. The same
 * settings go to every (method, budget, seed) run, so runs differ only in the subset they train on.
 *
 * @param task gsm8k, viggo or sql
 * @param model the base model every run fine-tunes and the landmark losses come from (HF directory,
 *     .gguf, llama2.c .bin)
 * @param methods the methods, in report order ({@link LlmMethods#NAMES})
 * @param budgets the budgets (e.g. 25%, 12.5%, 6.25%), each a share of the training split
 * @param seeds the number of seeds; seed i is {@code seed + i}
 * @param seed the first seed
 * @param out the bench folder (runs, report)
 * @param workers runs trained and evaluated at once (child processes), ≥ 1
 * @param dataRoot where the task data is; null: {@link ai.curator.api.EvalTask#defaultDataRoot()}
 * @param prompt the user turn's template over the task's row fields; null: HALO's prompt
 * @param response the answer's template; null: the task's reference
 * @param text the embedded text's template; null: the prompt's template (HALO's prompt when null)
 * @param encoder the embedding model (a bundled name or an ONNX directory)
 * @param landmarks the share of rows whose loss the base model computes (low-rank landmarks; the
 *     clustering baseline gets as many clusters)
 * @param rank the low-rank sensitivity's rank
 * @param lambda the distance term's weight λ (both sensitivities)
 * @param finetune lora or full
 * @param learningRate the fine-tuning learning rate
 * @param epochs fine-tuning epochs (every run, whatever its size: the paper's protocol)
 * @param batchSize rows per update
 * @param maxLength tokens per example (longer ones are truncated)
 * @param warmupRatio the warm-up share of the updates
 * @param loraR LoRA rank
 * @param loraAlpha LoRA α
 * @param loraDropout LoRA dropout
 * @param targets LoRA's target modules
 * @param evalSplit the split the fine-tuned models are evaluated on
 * @param evalLimit evaluate the first rows only; null: all
 * @param maxNewTokens tokens generated per evaluation row
 * @param evalBatch rows decoded together
 * @param tooLong rows longer than the limit: {@code error} (a run stops, naming the row) or {@code skip}
 *     (training leaves them out, evaluation scores a prompt that does not fit as wrong; both counted)
 * @param updates {@code epochs} (default: every run trains {@code epochs} epochs, the paper's protocol)
 *     or {@code full} (a subset at share b trains {@code round(epochs / b)} epochs, about as many
 *     updates as the full-data run: the choice of rows apart from the number of steps)
 */
public record LlmBenchConfig(
        String task,
        Path model,
        List<String> methods,
        List<String> budgets,
        int seeds,
        long seed,
        Path out,
        int workers,
        Path dataRoot,
        String prompt,
        String response,
        String text,
        String encoder,
        double landmarks,
        int rank,
        double lambda,
        String finetune,
        double learningRate,
        int epochs,
        int batchSize,
        int maxLength,
        double warmupRatio,
        int loraR,
        int loraAlpha,
        double loraDropout,
        List<String> targets,
        String evalSplit,
        Integer evalLimit,
        int maxNewTokens,
        int evalBatch,
        String tooLong,
        String updates) {

    public static final List<String> DEFAULT_METHODS = List.of("full", "uniform", "clustering", "lowrank");
    public static final List<String> DEFAULT_BUDGETS = List.of("25%", "12.5%", "6.25%");

    public LlmBenchConfig {
        updates = updates == null ? "epochs" : updates;
        if (!updates.equals("epochs") && !updates.equals("full")) {
            throw new RecipeException("--updates must be epochs or full, got '" + updates + "'");
        }
        tooLong = tooLong == null ? "error" : tooLong;
        if (!tooLong.equals("error") && !tooLong.equals("skip")) {
            throw new RecipeException("--too-long must be error or skip, got '" + tooLong + "'");
        }
        if (task == null || task.isBlank()) {
            throw new RecipeException("--task is required: gsm8k, viggo or sql");
        }
        if (model == null) {
            throw new RecipeException("--model is required: the base model (HF directory, .gguf or llama2.c .bin)");
        }
        methods = List.copyOf(new LinkedHashSet<>(methods == null || methods.isEmpty() ? DEFAULT_METHODS : methods));
        for (String m : methods) {
            if (!LlmMethods.NAMES.contains(m)) {
                throw new RecipeException(
                        "unknown method '" + m + "' in --methods; known: " + String.join(", ", LlmMethods.NAMES));
            }
        }
        budgets = List.copyOf(new LinkedHashSet<>(budgets == null || budgets.isEmpty() ? DEFAULT_BUDGETS : budgets));
        for (String b : budgets) {
            try {
                if (!Budget.parse(b).isRatio()) {
                    throw new RecipeException("--budgets takes shares of the training split (25%, 0.125), got the"
                            + " count '" + b + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new RecipeException("--budgets: " + e.getMessage());
            }
        }
        java.util.Map<String, String> byLabel = new java.util.HashMap<>();
        for (String b : budgets) {
            String other = byLabel.putIfAbsent(label(b), b);
            if (other != null) {
                throw new RecipeException("--budgets names the same share twice: '" + other + "' and '" + b
                        + "' (their runs would be the same " + label(b) + " runs)");
            }
        }
        encoder = encoder == null ? "bge-small-en" : encoder;
        finetune = finetune == null ? "lora" : finetune;
        targets = targets == null ? List.of("q_proj", "v_proj") : targets;
        positive("--seeds", seeds);
        positive("--workers", workers);
        positive("--rank", rank);
        positive("--epochs", epochs);
        positive("--batch", batchSize);
        positive("--max-length", maxLength);
        positive("--lora-r", loraR);
        positive("--lora-alpha", loraAlpha);
        positive("--max-new-tokens", maxNewTokens);
        positive("--eval-batch", evalBatch);
        if (!(landmarks > 0 && landmarks <= 1)) {
            throw new RecipeException("--landmarks must be a share in (0, 1], got " + landmarks);
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new RecipeException("--lambda must be >= 0, got " + lambda);
        }
        if (!finetune.equals("lora") && !finetune.equals("full")) {
            throw new RecipeException("--finetune must be lora or full, got '" + finetune + "'");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new RecipeException("--lr must be > 0, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio < 1)) {
            throw new RecipeException("--warmup-ratio must be in [0, 1), got " + warmupRatio);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new RecipeException("--lora-dropout must be in [0, 1), got " + loraDropout);
        }
        if (evalLimit != null && evalLimit < 1) {
            throw new RecipeException("--eval-limit must be >= 1, got " + evalLimit);
        }
        if ((prompt == null) != (response == null)) {
            throw new RecipeException("--prompt and --response go together (a compact template needs both)");
        }
        targets = List.copyOf(targets);
        evalSplit = evalSplit == null ? "test" : evalSplit;
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new RecipeException(name + " must be >= 1, got " + v);
        }
    }

    /** The seeds of the runs: {@code seed, seed + 1, …}. */
    public List<Long> seedList() {
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            s.add(seed + i);
        }
        return s;
    }

    /** The training prompt's template over the loaded table ({@code {prompt}}: the task's column). */
    String trainPrompt() {
        return prompt == null ? "{prompt}" : prompt;
    }

    /** The training answer's template ({@code {response}}: the task's reference column). */
    String trainResponse() {
        return response == null ? "{response}" : response;
    }

    /** The embedded text's template. */
    String embedText() {
        return text != null ? text : trainPrompt();
    }

    /** A budget's label in run ids: {@code 12.5%} → {@code 12.5pct}. */
    static String label(String budget) {
        Budget b = Budget.parse(budget);
        double pct = b.isRatio() ? 100 * ((Number) b.toJson()).doubleValue() : Double.NaN;
        String s = String.format(Locale.ROOT, "%.4f", pct).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "pct";
    }

    /**
     * The epochs a run of this share of the data trains: {@code epochs}, or with {@code --updates full}
     * {@code round(epochs / share)} (at least 1) for a subset.
     */
    public int epochsFor(double share) {
        if (updates.equals("full") && share < 1) {
            return (int) Math.max(1, Math.round(epochs / share));
        }
        return epochs;
    }
}
