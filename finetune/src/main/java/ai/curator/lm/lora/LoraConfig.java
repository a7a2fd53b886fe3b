package ai.curator.lm.lora;

import java.util.List;
import java.util.Set;

/**
 * The shape of a low-rank adapter. Defaults are HALO's LLM fine-tuning setting (r 16, α 8, dropout
 * 0.1; METHODS.md); HALO states no target modules, so the default is PEFT's own for Llama, {@code
 * q} and {@code v}.
 *
 * @param rank r, &ge; 1 (default 16)
 * @param alpha α; the update is scaled by α/r (default 8)
 * @param dropout dropout probability on the adapter's input while training, in [0, 1) (default 0.1)
 * @param targets projections to adapt, by short name: {@code q, k, v, o, gate, up, down} (default
 *     {@code [q, v]}); on GPT-2 {@code q}, {@code k} and {@code v} all mean the fused {@code
 *     c_attn}, {@code o} is {@code attn.c_proj}, {@code up} {@code mlp.c_fc}, {@code down} {@code
 *     mlp.c_proj}, and {@code gate} does not exist
 * @param seed seeds A's initialisation (default 42)
 */
public record LoraConfig(Integer rank, Double alpha, Double dropout, List<String> targets, Long seed) {
    /** The short target names. */
    public static final Set<String> TARGETS = Set.of("q", "k", "v", "o", "gate", "up", "down");

    public LoraConfig {
        rank = rank == null ? 16 : rank;
        alpha = alpha == null ? 8.0 : alpha;
        dropout = dropout == null ? 0.1 : dropout;
        targets = targets == null ? List.of("q", "v") : List.copyOf(targets);
        seed = seed == null ? 42L : seed;
        if (rank < 1) {
            throw new IllegalArgumentException("lora.rank must be >= 1, got " + rank);
        }
        if (!(alpha > 0) || alpha.isInfinite()) {
            throw new IllegalArgumentException("lora.alpha must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora.dropout must be in [0, 1), got " + dropout);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("lora.targets is empty; name some of " + TARGETS);
        }
        for (String t : targets) {
            if (!TARGETS.contains(t)) {
                throw new IllegalArgumentException(
                        "lora.targets: unknown module '" + t + "'; use q, k, v, o, gate, up, down");
            }
        }
    }

    /** HALO's defaults. */
    public static LoraConfig defaults() {
        return new LoraConfig(null, null, null, null, null);
    }

    /** α/r, the factor of B·A. */
    public double scaling() {
        return alpha / rank;
    }
}
