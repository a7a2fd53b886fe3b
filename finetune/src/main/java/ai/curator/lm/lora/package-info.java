/**
 * Low-rank adapters (LoRA) on a frozen {@link ai.curator.lm.model.CausalLm}, attached through {@link
 * ai.curator.lm.model.Projection.Delta}, saved and loaded in Hugging Face PEFT's format.
 */
package ai.curator.lm.lora;
