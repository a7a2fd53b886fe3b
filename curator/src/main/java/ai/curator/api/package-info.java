/**
 * The small, stable types every stage plugs into: {@link ai.curator.api.Table} and {@link
 * ai.curator.api.Column} (the rows), {@link ai.curator.api.Selection} (a weighted subset), {@link
 * ai.curator.api.Stage} and {@link ai.curator.api.StageProvider} (a pipeline step and its
 * registration), {@link ai.curator.api.LossSourceProvider} (a source of per-row losses for the
 * sensitivity scorers, with {@link ai.curator.api.LossOracle} and {@link
 * ai.curator.api.PromptResponse}), {@link ai.curator.api.Budget}, and the exception family rooted at {@link
 * ai.curator.api.CuratorException}.
 */
package ai.curator.api;
