package ai.curator.lm.stage;

import java.nio.file.Path;

/**
 * The rendered training subset and trainer configuration a {@link TrainerBackend} trains on.
 *
 * @param subset the JSONL file, one selected row a line: {@code id}, {@code prompt}, {@code
 *     response}, {@code messages} (one user and one assistant turn), {@code weight} (one copy),
 *     {@code count} (copies drawn) and {@code sample_weight} ({@code count·weight}, what a
 *     per-example weighted loss should use)
 * @param config the JSON trainer configuration ({@link TrainingFiles#config})
 * @param outputDir the empty directory the trainer writes its adapter or model into
 * @param baseModel the base model: an absolute path when it names a local file or directory, else
 *     the recipe's string (a hub id the trainer understands)
 * @param rows the subset's distinct rows
 * @param draws the subset's draws (sum of counts)
 * @param sha256 the subset file's sha256
 */
public record TrainingSet(
        Path subset, Path config, Path outputDir, String baseModel, int rows, long draws, String sha256) {}
