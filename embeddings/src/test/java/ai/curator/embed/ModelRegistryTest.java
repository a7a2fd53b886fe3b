package ai.curator.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Name resolution, bring-your-own directories and their error messages. */
class ModelRegistryTest {

    @TempDir
    Path tmp;

    @Test
    void bundledSpecs() {
        assertEquals(
                List.of("minilm-l6", "minilm-l6-q", "bge-small-en", "bge-small-en-q", "e5-small", "e5-small-q"),
                ModelRegistry.bundledNames());
        assertEquals("bge-small-en", ModelRegistry.resolve(null).name());
        assertEquals(Pooling.CLS, ModelRegistry.bundled("bge-small-en").pooling());
        assertEquals(Pooling.MEAN, ModelRegistry.bundled("minilm-l6").pooling());
        assertEquals(Pooling.MEAN, ModelRegistry.bundled("e5-small-q").pooling());
        assertEquals("passage: ", ModelRegistry.bundled("e5-small").documentPrefix());
        assertEquals("query: ", ModelRegistry.bundled("e5-small").queryPrefix());
        assertEquals("", ModelRegistry.bundled("bge-small-en").documentPrefix());
        assertEquals(
                "bge-small-en-v1.5.onnx", ModelRegistry.bundled("bge-small-en").onnxResource());
        assertEquals(1, ModelRegistry.bundled("bge-small-en-q").defaultBatchSize());
    }

    @Test
    void unknownNameListsBundledModelsAndTheDirectoryOption() {
        ModelException e = assertThrows(ModelException.class, () -> ModelRegistry.resolve("bge-large"));
        String m = e.getMessage();
        assertTrue(m.contains("'bge-large'"), m);
        for (String name : ModelRegistry.bundledNames()) {
            assertTrue(m.contains(name), m);
        }
        assertTrue(m.contains("model.onnx") && m.contains("tokenizer.json"), m);
    }

    @Test
    void missingDirectoryIsNamed() {
        Path dir = tmp.resolve("nope");
        ModelException e = assertThrows(ModelException.class, () -> ModelRegistry.resolve(dir.toString()));
        assertTrue(
                e.getMessage().contains(dir.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        ModelException both = assertThrows(ModelException.class, () -> ModelRegistry.local(tmp));
        assertTrue(both.getMessage().contains("missing model.onnx and tokenizer.json"), both.getMessage());

        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        ModelException onnx = assertThrows(ModelException.class, () -> ModelRegistry.local(tmp));
        assertTrue(onnx.getMessage().contains("missing model.onnx."), onnx.getMessage());
        assertTrue(onnx.getMessage().contains(tmp.toAbsolutePath().toString()), onnx.getMessage());

        Files.delete(tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("model.onnx"), "not really onnx");
        ModelException tok = assertThrows(ModelException.class, () -> ModelRegistry.local(tmp));
        assertTrue(tok.getMessage().contains("missing tokenizer.json."), tok.getMessage());
    }

    @Test
    void corruptOnnxFileFailsWithItsPath() throws IOException {
        Files.writeString(tmp.resolve("model.onnx"), "not really onnx");
        Path cached = new ModelCache(Path.of(System.getProperty("curator.cache.dir", "target/model-cache")))
                .materialize("bge-small-en-v1.5-tokenizer.json", "x")
                .file();
        Files.copy(cached, tmp.resolve("tokenizer.json"));
        ModelException e = assertThrows(
                ModelException.class, () -> DjlOnnxEncoder.open(tmp.toString(), EncoderOptions.defaults()));
        assertTrue(e.getMessage().contains("Cannot load ONNX model " + tmp.resolve("model.onnx")), e.getMessage());
    }

    @Test
    void poolingConfig() throws IOException {
        Path cfg = tmp.resolve("config.json");
        assertEquals(Pooling.MEAN, ModelRegistry.readPooling(cfg), "absent → MEAN");
        Files.writeString(
                cfg,
                "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true,"
                        + " \"pooling_mode_mean_tokens\": false, \"pooling_mode_max_tokens\": false}");
        assertEquals(Pooling.CLS, ModelRegistry.readPooling(cfg));
        Files.writeString(cfg, "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": true}");
        ModelException two = assertThrows(ModelException.class, () -> ModelRegistry.readPooling(cfg));
        assertTrue(two.getMessage().contains("exactly one"), two.getMessage());
        Files.writeString(cfg, "{\"pooling_mode_weightedmean_tokens\": true}");
        ModelException unsupported = assertThrows(ModelException.class, () -> ModelRegistry.readPooling(cfg));
        assertTrue(unsupported.getMessage().contains("pooling_mode_weightedmean_tokens"), unsupported.getMessage());
        Files.writeString(cfg, "{not json");
        ModelException bad = assertThrows(ModelException.class, () -> ModelRegistry.readPooling(cfg));
        assertTrue(bad.getMessage().contains(cfg.toString()), bad.getMessage());
    }

    @Test
    void localDirectoryWithPoolingConfigMatchesTheBundledModel() throws IOException {
        ModelCache cache = new ModelCache(Path.of(System.getProperty("curator.cache.dir", "target/model-cache")));
        Files.createSymbolicLink(
                tmp.resolve("model.onnx"),
                cache.materialize("bge-small-en-v1.5.onnx", "x").file());
        Files.createSymbolicLink(
                tmp.resolve("tokenizer.json"),
                cache.materialize("bge-small-en-v1.5-tokenizer.json", "x").file());
        Files.createDirectories(tmp.resolve("1_Pooling"));
        Files.writeString(tmp.resolve("1_Pooling/config.json"), "{\"pooling_mode_cls_token\": true}");
        List<String> texts = List.of("a local model", "", "Grüße aus Köln");
        try (DjlOnnxEncoder local = DjlOnnxEncoder.open(tmp.toString());
                DjlOnnxEncoder bundled = DjlOnnxEncoder.open("bge-small-en")) {
            assertEquals(Pooling.CLS, local.spec().pooling());
            assertFalse(local.spec().bundled());
            assertEquals(384, local.dimension(), "learned from a forward pass");
            float[][] a = local.embed(texts);
            float[][] b = bundled.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(b[i], a[i]);
            }
        }
    }

    @Test
    void e5DocumentPrefixIsConfigurable() {
        try (DjlOnnxEncoder e5 =
                DjlOnnxEncoder.open("e5-small-q", EncoderOptions.defaults().withDocumentPrefix("query: "))) {
            assertEquals("query: ", e5.prefix(InputKind.DOCUMENT));
            assertArrayEquals(e5.embed(List.of("x"), InputKind.QUERY)[0], e5.embed(List.of("x"))[0]);
        }
    }

    @Test
    void optionsRejectBoundaryValues() {
        assertThrows(
                IllegalArgumentException.class, () -> EncoderOptions.defaults().withMaxLength(1));
        assertThrows(
                IllegalArgumentException.class, () -> EncoderOptions.defaults().withMaxLength(513));
        assertThrows(
                IllegalArgumentException.class, () -> EncoderOptions.defaults().withBatchSize(-1));
        assertThrows(
                IllegalArgumentException.class, () -> EncoderOptions.defaults().withThreads(-1));
        assertThrows(
                IllegalArgumentException.class, () -> EncoderOptions.defaults().withKind(null));
    }
}
