package ai.curator.api;

/**
 * Registers one stage method under its recipe name, found with {@link java.util.ServiceLoader}
 * (list implementations in {@code META-INF/services/ai.curator.api.StageProvider}).
 *
 * <p>In a recipe a stage is written {@code - ROLE: {method: METHOD, option: value, …}}; the
 * options are read into {@link #optionsType()}, a record whose compact constructor fills
 * defaults and rejects bad values with a message naming the option.
 *
 * @param <O> the options record
 */
public interface StageProvider<O extends Record> {

    /**
     * The role key in a recipe: {@code embed}, {@code score}, {@code select}, {@code export}, or one
     * that follows the export ({@code finetune}, {@code eval}).
     */
    String role();

    /** The method name within the role, snake_case: {@code uniform}, {@code low_rank_sensitivity}. */
    String method();

    /** One line saying what the stage does, shown by {@code curator list}. */
    String summary();

    /** The options record type; every component must accept null (meaning: the default). */
    Class<O> optionsType();

    /** Builds the stage from validated options. */
    Stage create(O options);

    /**
     * Whether the stage writes its own product into the output directory (a fine-tuned model, an
     * evaluation's summary) rather than leaving it in the pipeline state for an export. Such a
     * stage may come after the recipe's last export stage; any other stage there would have its
     * result lost, which the pipeline rejects before any work. Default false.
     */
    default boolean writesOwnProduct() {
        return false;
    }

    /**
     * What a resolved option value means when it is not self-evident (a 0 that stands for "the
     * model's default"), by recipe key; {@code curator describe} prints these beside the options.
     */
    default java.util.Map<String, String> optionNotes() {
        return java.util.Map.of();
    }
}
