package ai.curator.embed;

/** How token vectors of the last hidden state are reduced to one sentence vector. */
public enum Pooling {
    /** The vector of the first token ({@code [CLS]}). */
    CLS,
    /** The mean of the vectors of all non-padding tokens (special tokens included). */
    MEAN,
    /** The element-wise maximum over all non-padding tokens. */
    MAX
}
