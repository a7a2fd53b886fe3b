/**
 * Decoder-only language models on DJL's PyTorch engine: {@link ai.curator.lm.model.CausalLm} (the
 * Llama family — Llama, Mistral-style, Qwen2 — and GPT-2) built from a {@link
 * ai.curator.lm.Checkpoint}, written as plain NDArray functions rather than DJL blocks; its KV cache,
 * generation ({@link ai.curator.lm.model.Decoder}), per-sample losses ({@link
 * ai.curator.lm.model.SequenceLoss}) and the adapters to the core's interfaces ({@link
 * ai.curator.lm.model.LmGenerator}, {@link ai.curator.lm.model.LmLossOracle}).
 */
package ai.curator.lm.model;
