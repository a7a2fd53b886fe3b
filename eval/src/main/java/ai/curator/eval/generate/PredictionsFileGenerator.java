package ai.curator.eval.generate;

import ai.curator.api.Generator;
import ai.curator.io.FileIo;
import java.util.List;
import java.util.function.Consumer;

/**
 * Predictions read from a file ({@link PredictionsFile}) instead of a model: each request is
 * answered with its id's prediction; a request whose id the file lacks gets no completion (the
 * evaluation reports it as missing).
 */
public final class PredictionsFileGenerator implements Generator {
    private final PredictionsFile file;
    private final String sha256;

    public PredictionsFileGenerator(PredictionsFile file) {
        this.file = file;
        this.sha256 = FileIo.sha256(file.file());
    }

    /** The file read. */
    public PredictionsFile file() {
        return file;
    }

    @Override
    public void generate(List<Request> requests, Settings settings, Consumer<Completion> sink) {
        for (Request r : requests) {
            String p = file.predictions().get(r.id());
            if (p != null) {
                sink.accept(new Completion(r.id(), p));
            }
        }
    }

    @Override
    public String describe() {
        return "predictions " + file.file() + " sha256=" + sha256;
    }
}
