package ai.curator.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of the int8 models with LangChain4j on a whole data set, the 1,000 bundled GSM8K
 * questions, every row checked (issue 16: {@code cos(ours,lc4j) min=0.847569} on GSM8K train for
 * minilm-l6-q).
 *
 * <p>The cause was truncation, not quantisation or threading: LangChain4j's MiniLM jars (fp32
 * and int8) ship a tokenizer.json that truncates at 128 tokens, while our MiniLM default is the
 * model card's 256, so every question of 129–256 tokens differed (GSM8K train: 11 of the first
 * 1,500, cosines 0.88–0.99, all over 128 tokens; at max_length 128 all match to 1.000000). This
 * test compares at LangChain4j's 128 for MiniLM and checks that at our default the only rows that
 * differ are those longer than 128 tokens.
 */
class Int8DataSetParityIT {
    @BeforeAll
    static void engineFirst() {
        DjlOnnxEncoder.initEngine(); // before any LangChain4j model creates the OrtEnvironment
    }

    private static List<String> questions() throws Exception {
        ObjectMapper m = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestFiles.repoRoot().resolve("data/gsm8k/train-1k.jsonl"))) {
            out.add(m.readTree(line).get("question").asText());
        }
        return out;
    }

    private static EmbeddingModel reference(String name) {
        return switch (name) {
            case "minilm-l6-q" -> new AllMiniLmL6V2QuantizedEmbeddingModel();
            case "bge-small-en-q" -> new BgeSmallEnV15QuantizedEmbeddingModel();
            case "e5-small-q" -> new E5SmallV2QuantizedEmbeddingModel();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm-l6-q", "bge-small-en-q", "e5-small-q"})
    void everyRowMatchesLangChain4j(String name) throws Exception {
        List<String> texts = questions();
        assertEquals(1000, texts.size());
        boolean minilm = name.startsWith("minilm");
        EncoderOptions opts = minilm ? EncoderOptions.defaults().withMaxLength(128) : EncoderOptions.defaults();
        Embeddings ours;
        Embeddings oursDefault = null;
        String prefix;
        try (DjlOnnxEncoder enc = DjlOnnxEncoder.open(name, opts)) {
            prefix = enc.prefix(InputKind.DOCUMENT);
            ours = enc.encode(texts, InputKind.DOCUMENT);
        }
        List<Integer> cut = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (minilm && ours.tokenCounts()[i] == 128) {
                cut.add(i); // truncated at 128, or exactly 128: the rows our default 256 reads further
            }
        }
        if (!cut.isEmpty()) {
            // Rows within 128 tokens are the same input at 128 and 256, so only these can differ.
            try (DjlOnnxEncoder enc = DjlOnnxEncoder.open(name, EncoderOptions.defaults())) {
                oursDefault = enc.encode(cut.stream().map(texts::get).toList(), InputKind.DOCUMENT);
            }
        }
        List<Embedding> ref = reference(name)
                .embedAll(texts.stream().map(t -> TextSegment.from(prefix + t)).toList())
                .content();
        double min = 1;
        int worst = -1;
        int longer = 0;
        for (int i = 0; i < texts.size(); i++) {
            double c = Vectors.cosine(ours.vectors()[i], ref.get(i).vector());
            if (c < min) {
                min = c;
                worst = i;
            }
        }
        StringBuilder longRows = new StringBuilder();
        for (int k = 0; k < cut.size(); k++) {
            int i = cut.get(k);
            int tokens = oursDefault.tokenCounts()[k];
            double d = Vectors.cosine(oursDefault.vectors()[k], ref.get(i).vector());
            if (tokens > 128) {
                longer++;
                longRows.append(String.format(Locale.ROOT, " #%d:%d tok cos %.4f", i, tokens, d));
            } else {
                assertTrue(d >= BundledParityIT.FP32_MIN_COSINE, name + " row " + i + " at 256: cosine " + d);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "INT8-PARITY %-15s rows=%d 1-min=%.1e (worst row %d, %d tokens)%s%n",
                name,
                texts.size(),
                1 - min,
                worst,
                ours.tokenCounts()[worst],
                minilm ? " | rows over 128 tokens, read further at our default 256: " + longer + longRows : "");
        assertTrue(
                min >= BundledParityIT.FP32_MIN_COSINE,
                name + " row " + worst + " (" + ours.tokenCounts()[worst] + " tokens): cosine " + min);
    }
}
