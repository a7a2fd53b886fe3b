package ai.curator.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of every bundled model with LangChain4j's own in-process implementation of the same ONNX
 * graph and tokenizer, on 50 varied texts.
 *
 * <p>LangChain4j embeds one text per ONNX call (no padding) and, for MiniLM, truncates at the 128
 * tokens its bundled tokenizer.json sets; our MiniLM default is 256 (the model card), so MiniLM is
 * compared at max length 128. All texts stay under 510 tokens, where LangChain4j would start
 * averaging partitions instead of truncating.
 */
class BundledParityIT {

    /** fp32 models must match to this cosine (the issue's bound). */
    static final double FP32_MIN_COSINE = 0.9999;

    /**
     * int8 models quantise activations dynamically per tensor, so a batch with padding (or other
     * texts) shifts every text's scale. Measured minimum over the 50 texts at batch size 64 on this
     * machine: minilm-l6-q 0.9600, bge-small-en-q 0.9775, e5-small-q 0.9947 (see NOTES.md). That is
     * why their default batch size is 1, where they match like fp32.
     */
    static final double INT8_BATCHED_MIN_COSINE = 0.95;

    @BeforeAll
    static void engineFirst() {
        DjlOnnxEncoder.initEngine(); // before any LangChain4j model creates the OrtEnvironment
    }

    private static Supplier<EmbeddingModel> reference(String name) {
        return switch (name) {
            case "minilm-l6" -> AllMiniLmL6V2EmbeddingModel::new;
            case "minilm-l6-q" -> AllMiniLmL6V2QuantizedEmbeddingModel::new;
            case "bge-small-en" -> BgeSmallEnV15EmbeddingModel::new;
            case "bge-small-en-q" -> BgeSmallEnV15QuantizedEmbeddingModel::new;
            case "e5-small" -> E5SmallV2EmbeddingModel::new;
            case "e5-small-q" -> E5SmallV2QuantizedEmbeddingModel::new;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm-l6", "bge-small-en", "e5-small", "minilm-l6-q", "bge-small-en-q", "e5-small-q"})
    void matchesLangChain4j(String name) {
        boolean int8 = name.endsWith("-q");
        List<String> texts = ParityTexts.fifty();
        EncoderOptions opts = EncoderOptions.defaults();
        if (name.startsWith("minilm")) {
            opts = opts.withMaxLength(128);
        }
        float[][] ref;
        String prefix;
        float[][] ours;
        float[][] oursBatched;
        Embeddings e;
        try (DjlOnnxEncoder enc = DjlOnnxEncoder.open(name, opts)) {
            assertEquals(int8 ? 1 : 64, enc.batchSize(), "default batch size");
            prefix = enc.prefix(InputKind.DOCUMENT);
            e = enc.encode(texts, InputKind.DOCUMENT);
            ours = e.vectors();
        }
        if (int8) {
            try (DjlOnnxEncoder batched = DjlOnnxEncoder.open(name, opts.withBatchSize(64))) {
                oursBatched = batched.embed(texts);
            }
        } else {
            oursBatched = ours; // fp32 models' default is batch 64 already: the same run, not embedded twice
        }
        EmbeddingModel lc = reference(name).get();
        List<TextSegment> segs =
                texts.stream().map(t -> TextSegment.from(prefix + t)).toList();
        List<Embedding> lcOut = lc.embedAll(segs).content();
        ref = lcOut.stream().map(Embedding::vector).toArray(float[][]::new);

        assertEquals(texts.size(), ours.length);
        if (!name.startsWith("minilm")) {
            assertEquals(0, e.truncated(), "parity texts must fit 512 tokens, where LangChain4j does not partition");
        }
        double min = 1;
        double minBatched = 1;
        double sumBatched = 0;
        int worst = -1;
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(384, ours[i].length);
            assertEquals(1.0, Vectors.norm(ours[i]), 1e-5, "L2-normalised");
            double c = Vectors.cosine(ours[i], ref[i]);
            if (c < min) {
                min = c;
                worst = i;
            }
            double cb = Vectors.cosine(oursBatched[i], ref[i]);
            minBatched = Math.min(minBatched, cb);
            sumBatched += cb;
        }
        System.out.printf(
                Locale.ROOT,
                "PARITY %-15s default(batch=%d) 1-min=%.1e (worst #%d, %d tokens)"
                        + " | batch=64 min=%.6f mean=%.6f | truncated=%d%n",
                name,
                int8 ? 1 : 64,
                1 - min,
                worst,
                e.tokenCounts()[worst],
                minBatched,
                sumBatched / texts.size(),
                e.truncated());
        assertTrue(min >= FP32_MIN_COSINE, name + " min cosine " + min + " (text #" + worst + ")");
        double bound = int8 ? INT8_BATCHED_MIN_COSINE : FP32_MIN_COSINE;
        assertTrue(minBatched >= bound, name + " batch=64 min cosine " + minBatched + " < " + bound);
    }
}
