/**
 * The small, stable types every stage plugs into: {@link ai.curator.api.Table} and {@link
 * ai.curator.api.Column} (the rows), {@link ai.curator.api.Selection} (a weighted subset), {@link
 * ai.curator.api.Stage} and {@link ai.curator.api.StageProvider} (a pipeline step and its
 * registration), {@link ai.curator.api.LossSourceProvider} (a source of per-row losses for the
 * sensitivity scorers, with {@link ai.curator.api.LossOracle} and {@link
 * ai.curator.api.PromptResponse}), {@link ai.curator.api.Budget}, {@link ai.curator.api.EvalTask}
 * (an evaluation task: data rows as prompts and references, answer extraction, scoring; registered
 * with ServiceLoader), {@link ai.curator.api.Generator} (what answers prompts), and the exception
 * family rooted at {@link ai.curator.api.CuratorException}.
 */
package ai.curator.api;
