package ai.curator.embed;

/**
 * Vectors plus what happened to the inputs on the way.
 *
 * @param vectors one L2-normalised vector per text, in input order
 * @param tokenCounts tokens fed to the model per text (special tokens included, after truncation)
 * @param truncated how many texts were longer than the max length and were cut
 */
public record Embeddings(float[][] vectors, int[] tokenCounts, int truncated) {}
