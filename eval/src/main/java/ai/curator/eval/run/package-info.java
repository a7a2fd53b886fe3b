/**
 * Running an evaluation: {@link ai.curator.eval.run.Evaluation} asks a generator for the
 * predictions not yet on disk (appended to {@code predictions.jsonl} as each arrives, so an
 * interrupted run resumes), scores them with the task, and writes per-example JSONL, a summary
 * (JSON, Markdown, CSV) with 95% confidence intervals ({@link ai.curator.eval.run.Confidence}) and
 * the run's provenance. {@code curator eval} and a recipe's eval stage are thin layers over it.
 */
package ai.curator.eval.run;
