/**
 * Scorers: stages that write named score columns (one value per row) for selectors to read, and
 * the loss oracles they query: the bundled loss sources ({@code squared_norm}, {@code column},
 * {@code logistic}, {@code openai}), their registry {@link ai.curator.score.LossSources}, and the
 * parts a new text-scoring source reuses ({@link ai.curator.score.TemplatePromptResponse}, {@link
 * ai.curator.score.ResumableLossOracle}, {@link ai.curator.score.LossCache}).
 */
package ai.curator.score;
