package ai.curator.lm.train;

/**
 * The learning-rate multiplier of update {@code step} (0-based) out of {@code total}, as {@code
 * transformers}' schedulers compute it: a linear warm-up from 0 over {@code warmup} updates, then
 * constant, linear decay to 0, or half a cosine to 0.
 */
public enum LrSchedule {
    /** {@code get_constant_schedule_with_warmup}. */
    CONSTANT,
    /** {@code get_linear_schedule_with_warmup} (the default of {@code transformers}' Trainer). */
    LINEAR,
    /** {@code get_cosine_schedule_with_warmup} (half a cycle). */
    COSINE;

    /** The multiplier of the base learning rate for update {@code step}. */
    public double factor(long step, long warmup, long total) {
        if (step < warmup) {
            return (double) step / Math.max(1, warmup);
        }
        return switch (this) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
            case COSINE -> {
                double progress = (double) (step - warmup) / Math.max(1, total - warmup);
                yield Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * progress)));
            }
        };
    }
}
