package ai.curator.lm.tokenize;

/**
 * Text to token ids and back, as the model was trained.
 */
public interface Tokenizer {
    /**
     * Token ids of {@code text}, without beginning/end-of-sequence tokens (callers add them).
     * Encoding follows the model's own rules (e.g. SentencePiece's leading-space prefix).
     */
    int[] encode(String text);

    /** The text of the ids; special tokens (BOS, EOS, padding) are skipped. */
    String decode(int[] ids);

    /** Tokens in the vocabulary. */
    int vocabSize();

    /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
    int bos();

    /** End-of-sequence id, or -1 when the vocabulary has none. */
    int eos();

    /**
     * The vocabulary's text of token {@code id} as a chat template writes it (special tokens verbatim,
     * e.g. {@code <s>}), or null when this tokenizer cannot say.
     */
    default String tokenText(int id) {
        return null;
    }
}
