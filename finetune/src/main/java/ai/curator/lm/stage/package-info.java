/**
 * The recipe stage {@code finetune}: trains on the selected subset after the export, through a
 * {@link ai.curator.lm.stage.TrainerBackend} — an external trainer command ({@code backend:
 * command}) or the in-JVM trainer ({@code backend: jvm}).
 */
package ai.curator.lm.stage;
