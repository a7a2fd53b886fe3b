package ai.curator.lm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code curator lm pretrain} and {@code lm finetune}: bad options are usage errors (exit 2) naming the option. */
class LmPretrainCommandTest {
    @TempDir
    Path dir;

    private LmCommandsTest.Result pretrain(String... extra) throws Exception {
        Path text = TestFiles.write(dir, "t.txt", "Some text.\n\nMore text here.\n");
        String[] base = {
            "lm",
            "pretrain",
            "--text",
            text.toString(),
            "--out",
            dir.resolve("m").toString()
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return LmCommandsTest.run(args);
    }

    private static void assertUsage(LmCommandsTest.Result r, String message) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + message), r.err());
    }

    @Test
    void listedUnderLm() {
        LmCommandsTest.Result r = LmCommandsTest.run("lm", "--help");
        assertTrue(r.out().contains("pretrain") && r.out().contains("finetune"), r.out());
    }

    @Test
    void sizesMustBePositive() throws Exception {
        assertUsage(pretrain("--hidden", "0"), "--hidden must be >= 1, got 0");
        assertUsage(pretrain("--layers", "-2"), "--layers must be >= 1, got -2");
        assertUsage(pretrain("--batch", "0"), "--batch must be >= 1, got 0");
        assertUsage(pretrain("--seq-len", "0"), "--seq-len must be >= 1, got 0");
        assertUsage(pretrain("--max-tokens", "0"), "--max-tokens must be >= 1, got 0");
        assertUsage(pretrain("--minutes", "-1"), "--minutes must be > 0, got -1.0");
        assertUsage(pretrain("--lr", "0"), "--lr must be > 0, got 0.0");
        assertUsage(pretrain("--vocab-size", "100"), "--vocab-size must be >= 257");
    }

    @Test
    void shapesMustFit() throws Exception {
        assertUsage(pretrain("--hidden", "250", "--heads", "4"), "--heads 4 must divide --hidden 250");
        assertUsage(pretrain("--hidden", "12", "--heads", "4"), "--hidden / --heads must be even");
        assertUsage(pretrain("--heads", "4", "--kv-heads", "3"), "--kv-heads 3 must divide --heads 4");
        assertUsage(pretrain("--seq-len", "512", "--context", "256"), "--seq-len 512 must be <= --context 256");
        assertUsage(pretrain("--schedule", "step"), "--schedule must be linear, cosine or constant, got 'step'");
        assertUsage(pretrain("--eval-fraction", "0.5"), "--eval-fraction must be in [0, 0.5), got 0.5");
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void aMissingTextFileIsNamed() {
        Path missing = dir.resolve("nope.txt.gz");
        LmCommandsTest.Result r = LmCommandsTest.run(
                "lm",
                "pretrain",
                "--text",
                missing.toString(),
                "--out",
                dir.resolve("m").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: Text file (--text) '" + missing + "' does not exist"), r.err());
    }

    @Test
    void anExistingOutputIsNotOverwritten() throws Exception {
        Files.createDirectories(dir.resolve("m"));
        assertUsage(pretrain(), "--out " + dir.resolve("m") + " exists");
    }

    @Test
    void finetuneOptionsAreChecked() throws Exception {
        Path data = TestFiles.write(dir, "d.jsonl", "{\"q\":\"a\",\"a\":\"b\"}\n");
        String[] base = {
            "lm",
            "finetune",
            "--model",
            "m.gguf",
            "--data",
            data.toString(),
            "--prompt",
            "{q}",
            "--response",
            "{a}",
            "--out",
            dir.resolve("ft").toString()
        };
        assertUsage(run(base, "--method", "qlora"), "--method must be lora or full, got 'qlora'");
        assertUsage(run(base, "--lora-r", "0"), "--lora-r must be >= 1, got 0");
        assertUsage(run(base, "--targets", "q,x"), "--targets: unknown module 'x'");
        assertUsage(run(base, "--batch", "0"), "--batch must be >= 1");
        assertUsage(run(base, "--lr", "-1"), "--lr must be > 0, got -1.0");
    }

    private static LmCommandsTest.Result run(String[] base, String... extra) {
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return LmCommandsTest.run(args);
    }
}
