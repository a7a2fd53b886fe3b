package ai.curator.eval.stage;

import ai.curator.api.Generator;
import ai.curator.api.StageContext;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.LmGenerator;
import java.util.List;
import java.util.function.Consumer;

/**
 * An in-JVM generator that polls the run's stop request between batches and closes its model when
 * closed, so that Ctrl-C or SIGTERM stops an evaluation between batches with every finished
 * prediction kept.
 */
final class CancellableGenerator implements Generator {
    private final LmGenerator generator;
    private final CausalLm lm;
    private final StageContext context;
    private final int batch;

    CancellableGenerator(LmGenerator generator, CausalLm lm, StageContext context, int batch) {
        this.generator = generator;
        this.lm = lm;
        this.context = context;
        this.batch = batch;
    }

    @Override
    public void generate(List<Request> requests, Settings settings, Consumer<Completion> sink) {
        try (var bar = context.progress("generate", requests.size())) {
            for (int i = 0; i < requests.size(); i += batch) {
                context.checkCancelled();
                List<Request> part = requests.subList(i, Math.min(requests.size(), i + batch));
                generator.generate(part, settings, sink);
                bar.step(part.size());
            }
        }
    }

    /** The ids answered empty because their prompt did not fit the context (eval.too_long: wrong). */
    List<String> promptsTooLong() {
        return generator.promptsTooLong();
    }

    @Override
    public String describe() {
        return generator.describe();
    }

    @Override
    public void close() {
        lm.close();
    }
}
