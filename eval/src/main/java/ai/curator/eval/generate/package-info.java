/**
 * Where predictions come from ({@link ai.curator.api.Generator} implementations): a predictions
 * file ({@link ai.curator.eval.generate.PredictionsFileGenerator}) and any OpenAI-compatible chat
 * endpoint ({@link ai.curator.eval.generate.OpenAiGenerator}: vLLM, llama.cpp server, Ollama, TGI).
 * The in-JVM model of the finetune module implements the same interface.
 */
package ai.curator.eval.generate;
