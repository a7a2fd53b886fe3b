/**
 * Fine-tuning a {@link ai.curator.lm.model.CausalLm} on a weighted subset: LoRA or all parameters,
 * AdamW, warm-up and decay schedules, gradient accumulation and clipping, checkpoints that resume
 * bit-identically.
 */
package ai.curator.lm.train;
