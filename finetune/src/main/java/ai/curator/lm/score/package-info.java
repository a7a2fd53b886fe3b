/**
 * The in-JVM language model as a loss source of the core's sensitivity scorers: {@code loss:
 * {source: lm, model: …}} ({@link ai.curator.lm.score.LmLossSource}) scores each row's response
 * given its prompt with a checkpoint loaded here, rendered exactly as generation and fine-tuning
 * see it ({@link ai.curator.lm.score.LmExamples}); {@link ai.curator.lm.score.LmModels} loads a
 * checkpoint with messages that name the file and fingerprints it for caches.
 */
package ai.curator.lm.score;
