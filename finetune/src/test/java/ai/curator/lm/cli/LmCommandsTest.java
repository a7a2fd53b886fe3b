package ai.curator.lm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.cli.CuratorCli;
import ai.curator.lm.tokenize.ByteLevelBpeTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code curator lm …} through the real command line: exit codes and messages of bad input; tokenizer training. */
class LmCommandsTest {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one command line. */
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = CuratorCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void lmListsItsSubcommands() {
        Result r = run("lm", "--help");
        assertEquals(0, r.code(), r.err());
        for (String c : new String[] {"generate", "loss", "info", "tokenizer"}) {
            assertTrue(r.out().contains(c), c + " missing from: " + r.out());
        }
        Result t = run("lm", "tokenizer", "--help");
        assertEquals(0, t.code());
        assertTrue(t.out().contains("train"), t.out());
    }

    @Test
    void aMissingModelIsBadInputNamingTheFile() {
        Path missing = dir.resolve("no-such-model.gguf");
        for (String[] args : new String[][] {
            {"lm", "generate", "--model", missing.toString(), "--prompt", "Once"},
            {"lm", "info", "--model", missing.toString()},
        }) {
            Result r = run(args);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: " + missing + ": no such checkpoint file or directory"), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
    }

    @Test
    void aFileThatIsNotACheckpointIsBadInput() throws Exception {
        Path bogus = TestFiles.write(dir, "model.gguf", "not a gguf file at all");
        Result r = run("lm", "info", "--model", bogus.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + bogus), r.err());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Result r = run("lm", "generate", "--model", "m.gguf", "--prompt", "x", "--temprature", "0.5");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: Unknown options: '--temprature'"), r.err());
    }

    @Test
    void badOptionValuesNameTheOption() {
        Result t = run("lm", "generate", "--model", "m.gguf", "--prompt", "x", "--temperature", "-1");
        assertEquals(2, t.code());
        assertTrue(t.err().startsWith("error: --temperature must be >= 0, got -1.0"), t.err());
        Result p = run("lm", "generate", "--model", "m.gguf", "--prompt", "x", "--top-p", "0");
        assertEquals(2, p.code());
        assertTrue(p.err().startsWith("error: --top-p must be in (0, 1]"), p.err());
        Result both = run("lm", "generate", "--model", "m.gguf", "--prompt", "x", "--prompts", "p.jsonl");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Result f = run("lm", "generate", "--model", "m.gguf", "--prompt", "x", "--chat-format", "alpaca");
        assertEquals(2, f.code());
        assertTrue(f.err()
                .startsWith("error: --chat-format must be one of template, plain, chatml, llama3, got 'alpaca'"));
        Result o = run(
                "lm",
                "loss",
                "--model",
                "m.gguf",
                "--data",
                "d.jsonl",
                "--prompt",
                "{a}",
                "--response",
                "{b}",
                "--objective",
                "perplexity");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("error: --objective must be loss or grad_norm, got 'perplexity'"), o.err());
    }

    @Test
    void aTemplateFieldTheDataLacksIsNamed() throws Exception {
        Path data = TestFiles.write(dir, "d.jsonl", "{\"id\": \"a\", \"question\": \"Hi\", \"answer\": \"Yo\"}\n");
        Result r = run(
                "lm",
                "loss",
                "--model",
                dir.resolve("m.gguf").toString(),
                "--data",
                data.toString(),
                "--prompt",
                "{question}",
                "--response",
                "{reply}");
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err()
                        .startsWith("error: --response \"{reply}\" uses field 'reply', which " + data
                                + " does not have; its fields are [id, question, answer]"),
                r.err());
        Result missing = run(
                "lm",
                "loss",
                "--model",
                "m.gguf",
                "--data",
                dir.resolve("none.jsonl").toString(),
                "--prompt",
                "{question}",
                "--response",
                "{answer}");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.jsonl"), missing.err());
    }

    @Test
    void tokenizerTrainWritesAHuggingFaceTokenizer() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            text.append("Once upon a time there was a little cat named Tom number ")
                    .append(i)
                    .append(".\nThe cat liked to play in the sun.\n\n");
        }
        Path in = TestFiles.write(dir, "stories.txt", text.toString());
        Path out = dir.resolve("tok");
        Result r = run(
                "lm", "tokenizer", "train", "--input", in.toString(), "--vocab-size", "300", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("read 50 documents"), r.err());
        ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.load(out.resolve("tokenizer.json"));
        assertTrue(t.vocabSize() > 257 && t.vocabSize() <= 300, "vocabulary " + t.vocabSize());
        assertTrue(
                r.out()
                        .startsWith("vocabulary " + t.vocabSize() + " (1 special, 256 bytes, " + (t.vocabSize() - 257)
                                + " merges"),
                r.out());
        String s = "Once upon a time there was a little cat.";
        assertEquals(s, t.decode(t.encode(s)));
        assertTrue(t.encode(s).length < s.length() / 2, "merges shorten the text");

        Result small = run(
                "lm", "tokenizer", "train", "--input", in.toString(), "--vocab-size", "100", "--out", out.toString());
        assertEquals(2, small.code());
        assertTrue(
                small.err().startsWith("error: --vocab-size must be >= 256 + 1 special tokens = 257, got 100"),
                small.err());
        Result none = run(
                "lm",
                "tokenizer",
                "train",
                "--input",
                dir.resolve("nope.txt").toString(),
                "--vocab-size",
                "300",
                "--out",
                out.toString());
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("nope.txt"), none.err());
    }
}
