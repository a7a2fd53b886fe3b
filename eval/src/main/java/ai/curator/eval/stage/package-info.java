/**
 * The recipe stage {@code eval}: evaluates a model (the product of a preceding {@code finetune}
 * stage, a local model, or an OpenAI-compatible endpoint) on a task after the export, through
 * {@link ai.curator.eval.run.Evaluation}.
 */
package ai.curator.eval.stage;
