package ai.curator.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.StageHarness;
import ai.curator.api.Column;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncoderEmbedderTest {
    private static final List<String> TEXTS = List.of(
            "Natalia sold clips to 48 of her friends in April.", "Weng earns $12 an hour for babysitting.",
            "Betty is saving money for a new wallet which costs $100.", "");

    private static Table table() {
        return new Table(List.of(Column.ofStrings("q", TEXTS.toArray(new String[0]))), null, null);
    }

    @Test
    void embedsEveryRowNormalisedAndRecordsTheModel() {
        StageHarness h = new StageHarness(table(), 1, null).texts(TEXTS);
        h.run(new EncoderEmbedder(new EncoderEmbedder.Options("minilm-l6", null, null, null, null, null)));
        FloatMatrix m = h.embeddings().orElseThrow();
        assertEquals(4, m.rows());
        assertEquals(384, m.cols());
        double[] norms = m.rowNorms();
        for (double n : norms) {
            assertEquals(1.0, n, 1e-4, "L2-normalised");
        }
        assertEquals("minilm-l6", h.details.get("model"));
        assertEquals(0, h.details.get("truncated"));
        assertEquals("cpu", h.details.get("device"), "device: auto without ONNX Runtime's GPU package");
        // The two money questions are closer to each other than to the clips question.
        double money = dot(m, 1, 2);
        assertTrue(money > dot(m, 0, 3), "similar texts embed close: " + money);
    }

    @Test
    void needsTextAndAKnownModel() {
        StageHarness noText = new StageHarness(table(), 1, null);
        RecipeException e = assertThrows(RecipeException.class, () -> new EncoderEmbedder(
                        new EncoderEmbedder.Options(null, null, null, null, null, null))
                .plan(noText.plan()));
        assertTrue(e.getMessage().contains("set dataset.text"), e.getMessage());
        StageHarness h = new StageHarness(table(), 1, null).texts(TEXTS);
        ModelException unknown = assertThrows(ModelException.class, () -> new EncoderEmbedder(
                        new EncoderEmbedder.Options("bert-huge", null, null, null, null, null))
                .plan(h.plan()));
        assertTrue(unknown.getMessage().contains("model.onnx"), unknown.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new EncoderEmbedder.Options(null, "passage", null, null, null, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new EncoderEmbedder.Options(null, null, 100_000, null, null, null));
    }

    @Test
    void deviceIsValidatedAndCudaWithoutTheGpuPackageSaysWhatToDo() {
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> new EncoderEmbedder.Options(null, null, null, null, null, "gpu"));
        assertTrue(bad.getMessage().contains("auto, cpu, cuda or cuda:N"), bad.getMessage());
        assertEquals("cuda:1", new EncoderEmbedder.Options(null, null, null, null, null, " CUDA:1").device());
        boolean gpuPackage =
                ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
        org.junit.jupiter.api.Assumptions.assumeFalse(gpuPackage && cudaWorks(), "a CUDA device is usable here");
        ModelException e = assertThrows(
                ModelException.class,
                () -> DjlOnnxEncoder.open(
                        ModelRegistry.resolve("minilm-l6"),
                        EncoderOptions.defaults().withDevice("cuda")));
        assertTrue(
                gpuPackage // the GPU package (mvn -Pgpu) on a machine without CUDA: the provider fails to load
                        ? e.getMessage().contains("needs CUDA 12 and cuDNN 9")
                        : e.getMessage().contains("needs ONNX Runtime's GPU package")
                                && e.getMessage().contains("-Pgpu"),
                e.getMessage());
        try (DjlOnnxEncoder cpu = DjlOnnxEncoder.open(
                ModelRegistry.resolve("minilm-l6"), EncoderOptions.defaults().withDevice("cpu"))) {
            assertEquals("cpu", cpu.device());
        }
    }

    /** Whether a CUDA session can be made (only with the GPU package on a machine with CUDA). */
    private static boolean cudaWorks() {
        try (ai.onnxruntime.OrtSession.SessionOptions so = new ai.onnxruntime.OrtSession.SessionOptions()) {
            so.addCUDA(0);
            return true;
        } catch (ai.onnxruntime.OrtException | RuntimeException e) {
            return false;
        }
    }

    private static double dot(FloatMatrix m, int a, int b) {
        double s = 0;
        for (int j = 0; j < m.cols(); j++) {
            s += m.get(a, j) * m.get(b, j);
        }
        return s;
    }

    @Test
    void describeSaysWhatZeroMeans(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ai.curator.TestFiles.qa(dir, "d.jsonl", 3);
        java.nio.file.Path r = ai.curator.TestFiles.write(
                dir, "r.yaml", "dataset: {path: d.jsonl, text: \"{question}\"}\nstages:\n  - embed\n  - export\n");
        var cl = ai.curator.cli.CuratorCli.commandLine();
        var out = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cl.execute("describe", r.toString()));
        var stage = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString())
                .at("/stages/0");
        assertEquals(0, stage.at("/options/max_length").asInt());
        assertEquals(
                "0 = the model's default (512; 256 for MiniLM)",
                stage.at("/option_notes/max_length").asText());
        assertEquals(
                "0 = the model's default (64; 1 for int8 models)",
                stage.at("/option_notes/batch_size").asText());
        assertEquals("0 = all cores", stage.at("/option_notes/threads").asText());
    }
}
