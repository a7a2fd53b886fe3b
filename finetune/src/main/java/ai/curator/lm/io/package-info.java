/**
 * Checkpoint files: safetensors (read and write), Hugging Face checkpoint directories, GGUF and
 * llama2.c checkpoints, all loaded into one {@link ai.curator.lm.Checkpoint} form with Hugging
 * Face's tensor names and rotary order. {@link ai.curator.lm.io.CheckpointLoader} picks the reader
 * from the path.
 */
package ai.curator.lm.io;
