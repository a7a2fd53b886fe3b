package ai.curator.lm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.RecipeException;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.StageRegistry;
import ai.curator.score.LossSources;
import ai.curator.score.LossSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code lm} source's options and registration. */
class LmLossSourceTest {
    @TempDir
    Path dir;

    private static LmLossSource.Options options(String objective, Integer batchSize, String chatFormat) {
        return new LmLossSource.Options("m.gguf", "{q}", "{a}", objective, batchSize, null, null, chatFormat);
    }

    @Test
    void isRegisteredUnderItsName() {
        assertTrue(LossSources.load().find("lm") instanceof LmLossSource);
        LossSpec spec = LossSpec.of("lm", Map.of("model", "m.gguf", "prompt", "{q}", "response", "{a}"));
        assertEquals(
                "{\"source\":\"lm\",\"model\":\"m.gguf\",\"prompt\":\"{q}\",\"response\":\"{a}\",\"objective\":\"loss\","
                        + "\"batch_size\":8,\"max_length\":null,\"truncate\":false,\"chat_format\":null}",
                spec.toJson().toString().replace(" ", "").replace("\n", ""));
    }

    @Test
    void optionsHaveDefaultsAndRejectBadValues() {
        LmLossSource.Options o = options(null, null, null);
        assertEquals("loss", o.objective());
        assertEquals(8, o.batchSize());
        assertEquals(false, o.truncate());
        assertEquals("llama3", options(null, null, "Llama3").chatFormat());
        var noModel = assertThrows(
                IllegalArgumentException.class,
                () -> new LmLossSource.Options(null, "{q}", "{a}", null, null, null, null, null));
        assertTrue(noModel.getMessage().startsWith("loss.source 'lm' needs loss.model"), noModel.getMessage());
        var noResponse = assertThrows(
                IllegalArgumentException.class,
                () -> new LmLossSource.Options("m.gguf", "{q}", null, null, null, null, null, null));
        assertTrue(noResponse.getMessage().contains("set loss.prompt and loss.response"), noResponse.getMessage());
        var objective = assertThrows(IllegalArgumentException.class, () -> options("nll", null, null));
        assertEquals("loss.objective must be one of loss, grad_norm, got 'nll'", objective.getMessage());
        var batch = assertThrows(IllegalArgumentException.class, () -> options(null, 0, null));
        assertEquals("loss.batch_size must be in [1, 1024], got 0", batch.getMessage());
        var format = assertThrows(IllegalArgumentException.class, () -> options(null, null, "alpaca"));
        assertEquals(
                "loss.chat_format must be one of template, plain, chatml, llama3, got 'alpaca'", format.getMessage());
        var length = assertThrows(
                IllegalArgumentException.class,
                () -> new LmLossSource.Options("m.gguf", "{q}", "{a}", null, null, 1, null, null));
        assertEquals("loss.max_length must be >= 2, got 1", length.getMessage());
    }

    @Test
    void theIdentityCoversWhatDecidesALossButNotTheBatching() {
        String a = options(null, 8, null).identity("sha");
        assertEquals(a, options(null, 64, null).identity("sha"));
        assertTrue(!a.equals(options("grad_norm", 8, null).identity("sha")));
        assertTrue(!a.equals(options(null, 8, null).identity("other-sha")));
        assertTrue(!a.equals(options(null, 8, "chatml").identity("sha")));
    }

    @Test
    void aMissingModelFailsWhenTheRecipeIsBuilt() throws Exception {
        TestFiles.write(dir, "d.jsonl", "{\"q\": \"a\", \"a\": \"b\", \"f\": 1.0}\n");
        Path recipe = TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: d.jsonl, features: [f]}\nstages:\n  - embed: {method: features}\n"
                        + "  - score: {method: low_rank_sensitivity, rank: 1, loss: {source: lm, model: models/none.gguf,"
                        + " prompt: \"{q}\", response: \"{a}\"}}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 1}\n");
        var e = assertThrows(RecipeException.class, () -> Pipeline.build(recipe, StageRegistry.load()));
        assertTrue(
                e.getMessage()
                        .contains("loss.model 'models/none.gguf' does not exist (resolved against the recipe's"
                                + " directory to " + dir.resolve("models/none.gguf") + ")"),
                e.getMessage());
    }

    @Test
    void theFingerprintFollowsTheModelFilesBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path model = java.nio.file.Files.write(dir.resolve("m.gguf"), new byte[] {1, 2, 3});
        LmLossSource source = new LmLossSource();
        LmLossSource.Options o = new LmLossSource.Options(model.toString(), "{q}", "{a}", null, null, null, null, null);
        String before = source.fingerprint(o);
        org.junit.jupiter.api.Assertions.assertTrue(before.contains(ai.curator.io.FileIo.sha256(model)), before);
        java.nio.file.Files.write(model, new byte[] {1, 2, 4});
        org.junit.jupiter.api.Assertions.assertNotEquals(before, source.fingerprint(o));
    }
}
