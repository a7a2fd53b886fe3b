package ai.curator.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the encoder on the bundled bge-small-en (fp32, CLS pooling, 512 tokens): ordering,
 * determinism, truncation, edge-case texts, prefixes.
 */
class DjlOnnxEncoderTest {

    static DjlOnnxEncoder bge;

    @BeforeAll
    static void open() {
        bge = DjlOnnxEncoder.open("bge-small-en");
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    @Test
    void describesItself() {
        assertEquals(384, bge.dimension());
        assertEquals(512, bge.maxLength());
        assertEquals(64, bge.batchSize());
        assertTrue(bge.usesTokenTypeIds(), "BERT exports take token_type_ids");
        assertTrue(bge.id().startsWith("bge-small-en@sha256:"), bge.id());
        assertTrue(bge.id().contains("pooling=CLS;max_length=512"), bge.id());
    }

    private static float[][] fifty;

    /** bge's vectors of the fifty parity texts, embedded once for every test that needs them. */
    private static synchronized float[][] fiftyVectors() {
        if (fifty == null) {
            fifty = bge.embed(ParityTexts.fifty());
        }
        return fifty;
    }

    @Test
    void emptyListGivesNoVectors() {
        assertEquals(0, bge.embed(List.of()).length);
    }

    @Test
    void resultsComeBackInInputOrderAndMatchOneByOne() {
        // Lengths deliberately unsorted so that sorting/bucketing has to undo itself.
        List<String> texts = List.of(
                "a much longer sentence about the order of results after sorting by length",
                "short",
                "",
                "medium length sentence here",
                "x");
        float[][] batch = bge.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = bge.embed(List.of(texts.get(i)))[0];
            assertTrue(
                    Vectors.cosine(batch[i], alone) > 0.99999, "text " + i + " cos " + Vectors.cosine(batch[i], alone));
        }
    }

    @Test
    void progressHearsEveryBatchAndVectorsDoNotDependOnIt() {
        List<String> texts = ParityTexts.fifty().subList(0, 20); // three batches of at most 8
        List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (DjlOnnxEncoder small =
                DjlOnnxEncoder.open("bge-small-en", EncoderOptions.defaults().withBatchSize(8))) {
            Embeddings e = small.encode(texts, InputKind.DOCUMENT, batches::add);
            assertEquals(
                    texts.size(), batches.stream().mapToInt(Integer::intValue).sum(), "every text counted once");
            assertTrue(batches.size() >= (texts.size() + 7) / 8, "one report per batch of at most 8: " + batches);
            assertTrue(batches.stream().allMatch(b -> b >= 1 && b <= 8), batches.toString());
            float[][] plain = small.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(plain[i], e.vectors()[i], "text " + i);
            }
        }
    }

    @Test
    void int8ModelsRunOneTextPerCallSideBySideWithTheSameVectors() {
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> texts = ParityTexts.fifty();
        try (DjlOnnxEncoder q = DjlOnnxEncoder.open("minilm-l6-q");
                DjlOnnxEncoder sequential = DjlOnnxEncoder.open(
                        "minilm-l6-q",
                        EncoderOptions.defaults().withConcurrentBatches(1).withThreads(1))) {
            assertEquals(1, q.batchSize());
            assertEquals(cores, q.concurrentBatches(), "one-text calls run one per core by default");
            assertEquals(1, q.intraOpThreads());
            float[][] a = q.embed(texts);
            float[][] b = sequential.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(b[i], a[i], "text " + i + ": same bits side by side as one after another");
            }
        }
        assertEquals(1, bge.concurrentBatches(), "batched fp32 models keep one batch at a time");
    }

    @Test
    void deterministicAcrossCallsAndEncoders() {
        List<String> texts = ParityTexts.fifty();
        float[][] a = fiftyVectors();
        float[][] b = bge.embed(texts);
        try (DjlOnnxEncoder other = DjlOnnxEncoder.open("bge-small-en")) {
            float[][] c = other.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(a[i], b[i], "same encoder, text " + i);
                assertArrayEquals(a[i], c[i], "fresh encoder, text " + i);
            }
        }
    }

    @Test
    void truncatesA10kTokenTextAndReportsIt() {
        String huge = "token ".repeat(10_000);
        Embeddings e = bge.encode(List.of("short text", huge, huge + "tail differs"), InputKind.DOCUMENT);
        assertEquals(2, e.truncated(), "two of three texts exceed 512 tokens");
        assertEquals(512, e.tokenCounts()[1]);
        assertEquals(512, e.tokenCounts()[2]);
        assertTrue(e.tokenCounts()[0] < 10);
        // Everything past token 511 is cut, so the differing tail cannot matter.
        assertArrayEquals(e.vectors()[1], e.vectors()[2]);
        assertEquals(1.0, Vectors.norm(e.vectors()[1]), 1e-5);
    }

    @Test
    void shorterMaxLengthTruncatesEarlier() {
        try (DjlOnnxEncoder enc =
                DjlOnnxEncoder.open("bge-small-en", EncoderOptions.defaults().withMaxLength(16))) {
            Embeddings e = enc.encode(
                    List.of(
                            "one two three four five six seven eight nine ten eleven twelve thirteen"
                                    + " fourteen fifteen sixteen seventeen",
                            "tiny"),
                    InputKind.DOCUMENT);
            assertEquals(1, e.truncated());
            assertEquals(16, e.tokenCounts()[0]);
        }
    }

    @Test
    void emptyTextGetsAFiniteUnitVector() {
        Embeddings e = bge.encode(List.of(""), InputKind.DOCUMENT);
        assertEquals(2, e.tokenCounts()[0], "[CLS] [SEP]");
        float[] v = e.vectors()[0];
        assertEquals(1.0, Vectors.norm(v), 1e-5);
        for (float x : v) {
            assertTrue(Float.isFinite(x));
        }
    }

    @Test
    void nonAsciiTextsEmbedAndDiffer() {
        List<String> texts =
                List.of("Москва — столица России.", "東京は日本の首都です。", "Café crème brûlée", "cafe creme brulee", "😀🚀🔥");
        float[][] v = bge.embed(texts);
        for (float[] x : v) {
            assertEquals(1.0, Vectors.norm(x), 1e-5);
        }
        // The BERT normaliser strips accents: the accented and plain spellings tokenise identically.
        assertTrue(Vectors.cosine(v[2], v[3]) > 0.99999, "accent stripping");
        assertTrue(Vectors.cosine(v[0], v[1]) < 0.99, "different scripts give different vectors");
    }

    @Test
    void nullTextIsRejectedWithItsIndex() {
        List<String> texts = new ArrayList<>(Arrays.asList("ok", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bge.embed(texts));
        assertTrue(e.getMessage().contains("texts[1]"), e.getMessage());
    }

    @Test
    void bgeQueriesGetTheInstructionDocumentsDoNot() {
        assertEquals("", bge.prefix(InputKind.DOCUMENT));
        assertEquals(ModelRegistry.BGE_QUERY_INSTRUCTION, bge.prefix(InputKind.QUERY));
        String q = "how many clips did Natalia sell";
        float[] asQuery = bge.embed(List.of(q), InputKind.QUERY)[0];
        float[] asDoc = bge.embed(List.of(q), InputKind.DOCUMENT)[0];
        float[] manual = bge.embed(List.of(ModelRegistry.BGE_QUERY_INSTRUCTION + q), InputKind.DOCUMENT)[0];
        assertArrayEquals(manual, asQuery);
        assertFalse(Arrays.equals(asQuery, asDoc));
    }

    @Test
    void concurrentCallsAgreeWithSequentialOnes() throws Exception {
        List<String> texts = ParityTexts.fifty();
        float[][] expected = fiftyVectors();
        float[][][] got = new float[2][][];
        Thread t0 = new Thread(() -> got[0] = bge.embed(texts));
        Thread t1 = new Thread(() -> got[1] = bge.embed(texts));
        t0.start();
        t1.start();
        t0.join();
        t1.join();
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(expected[i], got[0][i]);
            assertArrayEquals(expected[i], got[1][i]);
        }
    }
}
