/** Tokenizers of the checkpoints the model loads: SentencePiece BPE (llama2.c, GGUF), Hugging Face {@code tokenizer.json}. */
package ai.curator.lm.tokenize;
