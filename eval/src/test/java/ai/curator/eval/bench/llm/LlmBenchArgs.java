package ai.curator.eval.bench.llm;

import ai.curator.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The settings of {@code curator bench llm} with the command's defaults, changed field by field in
 * tests, and the tiny ViGGO data root and the stories260K model the bench tests run on.
 */
final class LlmBenchArgs {
    String task = "viggo";
    Path model = Path.of("model.gguf");
    List<String> methods;
    List<String> budgets;
    int seeds = 3;
    long seed = 1;
    Path out = Path.of("out");
    int workers = 1;
    Path dataRoot;
    String prompt;
    String response;
    String text;
    String encoder = "bge-small-en";
    double landmarks = 0.2;
    int rank = 20;
    double lambda = 1.0;
    String finetune = "lora";
    double learningRate = 4e-5;
    int epochs = 1;
    int batchSize = 32;
    int maxLength = 512;
    double warmupRatio = 0;
    int loraR = 16;
    int loraAlpha = 8;
    double loraDropout = 0.1;
    List<String> targets = List.of("q_proj", "v_proj");
    String evalSplit = "test";
    Integer evalLimit;
    int maxNewTokens = 256;
    int evalBatch = 16;
    String tooLong = "error";
    String updates = "epochs";

    LlmBenchConfig build() {
        return new LlmBenchConfig(
                task,
                model,
                methods,
                budgets,
                seeds,
                seed,
                out,
                workers,
                dataRoot,
                prompt,
                response,
                text,
                encoder,
                landmarks,
                rank,
                lambda,
                finetune,
                learningRate,
                epochs,
                batchSize,
                maxLength,
                warmupRatio,
                loraR,
                loraAlpha,
                loraDropout,
                targets,
                evalSplit,
                evalLimit,
                maxNewTokens,
                evalBatch,
                tooLong,
                updates);
    }

    static Path shared() {
        return TestFiles.repoRoot().resolve("../shared").normalize();
    }

    /** Karpathy's stories260K (a real 260K-parameter llama), skipping the test where it is absent. */
    static Path stories260K() {
        Path gguf = shared().resolve("models/stories260K/stories260K.gguf");
        Assumptions.assumeTrue(Files.isRegularFile(gguf), "needs " + gguf);
        return gguf;
    }

    /**
     * A ViGGO data root under {@code dir}: the first {@code train} rows of the shared training split
     * and the first {@code test} rows of its test split (skipping the test where they are absent).
     */
    static Path viggo(Path dir, int train, int test) throws IOException {
        Path src = shared().resolve("data/viggo");
        Assumptions.assumeTrue(Files.isRegularFile(src.resolve("train.csv")), "needs " + src.resolve("train.csv"));
        Path root = dir.resolve("data");
        Path v = Files.createDirectories(root.resolve("viggo"));
        Files.write(v.resolve("train.csv"), head(src.resolve("train.csv"), train + 1));
        Files.write(v.resolve("test.csv"), head(src.resolve("test.csv"), test + 1));
        return root;
    }

    /** The first {@code lines} lines (the header and rows; ViGGO has no multi-line fields). */
    private static List<String> head(Path f, int lines) throws IOException {
        try (var s = Files.lines(f)) {
            return s.limit(lines).toList();
        }
    }
}
