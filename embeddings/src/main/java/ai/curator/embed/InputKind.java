package ai.curator.embed;

/**
 * Whether texts are documents to be indexed/selected or search queries; asymmetric models (E5,
 * BGE) prepend a different prefix to each.
 */
public enum InputKind {
    /** Corpus texts (the default for data selection). */
    DOCUMENT,
    /** Search queries. */
    QUERY
}
