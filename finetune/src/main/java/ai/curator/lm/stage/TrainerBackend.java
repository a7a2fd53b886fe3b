package ai.curator.lm.stage;

import ai.curator.api.StageContext;
import java.util.Map;

/**
 * Trains an adapter or a model on a {@link TrainingSet}, writing it into {@link
 * TrainingSet#outputDir()}. The {@code finetune} stage renders the set, calls {@link #train}, and
 * on success moves the product into the run's output directory with provenance; on failure it
 * removes everything the backend wrote.
 *
 * <p>A backend polls {@link StageContext#checkCancelled()} while it works and releases what it
 * holds (a child process, native memory) when that throws.
 */
public interface TrainerBackend {

    /**
     * Trains.
     *
     * @return details for the provenance (command, exit status, wall time, …), in order
     * @throws ai.curator.api.RecipeException when the trainer cannot be started as configured
     * @throws ai.curator.api.StageException when training fails
     */
    Map<String, Object> train(TrainingSet set, FinetuneStage.Options options, StageContext context);
}
