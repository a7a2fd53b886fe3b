/**
 * The target language model in the JVM: checkpoint loading (Hugging Face, GGUF, llama2.c),
 * tokenizers, Llama-family and GPT-2 decoders on DJL's PyTorch engine, per-sample losses, LoRA
 * fine-tuning with sample weights and generation.
 */
package ai.curator.lm;
