package ai.curator.api;

/**
 * The prompt and the response of each row, for loss sources that score a response given its
 * prompt (a language model's mean negative log-likelihood of the response tokens). Built from the
 * source's options: templates over the row's fields today ({@code prompt: "{question}", response:
 * "{answer}"}), a named task's format later.
 */
public interface PromptResponse {

    /** One row's texts. */
    record Text(String prompt, String response) {}

    /**
     * Checks, once the data is loaded, that every row has what {@link #text} reads.
     *
     * @throws RecipeException naming a field the data lacks
     * @throws DataException naming the first row (id and line) without a value
     */
    void check(Table table, String file);

    /** The texts of row {@code row} (after {@link #check}). */
    Text text(Table table, int row);

    /** What determines the texts (the templates), for cache keys and provenance. */
    String identity();
}
