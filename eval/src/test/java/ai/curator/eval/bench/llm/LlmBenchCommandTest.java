package ai.curator.eval.bench.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.cli.CuratorCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code curator bench llm}'s options: template escapes and exit code 2 for bad input. */
class LlmBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void templateEscapesBecomeNewlinesTabsAndBackslashes() {
        assertEquals("{ref}\n", LlmBenchCommand.unescape("{ref}\\n"));
        assertEquals("a\tb", LlmBenchCommand.unescape("a\\tb"));
        assertEquals("C:\\x", LlmBenchCommand.unescape("C:\\\\x"), "\\\\ is one backslash");
        assertEquals("\\n", LlmBenchCommand.unescape("\\\\n"), "an escaped backslash before n is no newline");
        assertEquals("\\d \\{ \\", LlmBenchCommand.unescape("\\d \\{ \\"), "other escapes and a last \\ stay");
        assertEquals("plain {mr}", LlmBenchCommand.unescape("plain {mr}"));
        assertNull(LlmBenchCommand.unescape(null));
    }

    private record Result(int code, String out, String err) {}

    private static Result cli(String... args) {
        CommandLine cl = CuratorCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result bench(String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "bench",
                "llm",
                "--task",
                "viggo",
                "--model",
                dir.resolve("m.gguf").toString(),
                "--out",
                dir.resolve("out").toString()));
        a.addAll(List.of(extra));
        return cli(a.toArray(String[]::new));
    }

    @Test
    void badOptionsExitTwoWithTheMessage() {
        Result r = bench("--methods", "full,random");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("curator bench llm: unknown method 'random' in --methods; known: "), r.err());

        r = bench("--budgets", "100");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the count '100'"), r.err());

        r = bench("--prompt", "{ref}\\n");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--prompt and --response go together"), r.err());

        r = bench("--landmarks", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--landmarks must be a share in (0, 1], got 2.0"), r.err());

        r = cli(
                "bench",
                "llm",
                "--task",
                "nosuchtask",
                "--model",
                "m.gguf",
                "--out",
                dir.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("nosuchtask"), r.err());

        r = bench("--seeds", "many");
        assertEquals(2, r.code(), "picocli's own refusal: " + r.err());
        assertTrue(r.err().contains("--seeds"), r.err());

        r = cli("bench", "llm", "--model", "m.gguf");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--task"), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for bad options");
    }

    @Test
    void aMissingModelOrDataExitsTwo() {
        Result r = bench("--data-root", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("does not exist; pass --data-root"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aReportOfNothingFinishedExitsTwo() throws Exception {
        String[] common = onStories260K("rep", "--methods", "full", "--seeds", "1");
        Result none = cli(concat(common, "--report-only"));
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("holds no bench (no bench.json)"), none.err());
        assertEquals(0, cli(concat(common, "--dry-run")).code());
        Result empty = cli(concat(common, "--report-only"));
        assertEquals(2, empty.code(), empty.err());
        assertTrue(empty.err().contains("no run in"), empty.err());
        assertFalse(Files.exists(dir.resolve("rep/llm-bench.md")));
    }

    /**
     * {@code bench llm --task viggo} on stories260K and a 40-row ViGGO copy, into {@code dir/out}, then
     * {@code extra}.
     */
    private String[] onStories260K(String out, String... extra) throws Exception {
        String[] common = {
            "bench",
            "llm",
            "--task",
            "viggo",
            "--model",
            LlmBenchArgs.stories260K().toString(),
            "--data-root",
            LlmBenchArgs.viggo(dir, 40, 6).toString(),
            "--out",
            dir.resolve(out).toString()
        };
        return concat(common, extra);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aDryRunPrintsThePlan() throws Exception {
        Path model = LlmBenchArgs.stories260K();
        Path data = LlmBenchArgs.viggo(dir, 40, 6);
        Result r = cli(
                "bench",
                "llm",
                "--task",
                "viggo",
                "--model",
                model.toString(),
                "--data-root",
                data.toString(),
                "--out",
                dir.resolve("dry").toString(),
                "--methods",
                "full,uniform",
                "--budgets",
                "50%",
                "--seeds",
                "1",
                "--prompt",
                "{ref}\\n",
                "--response",
                "{mr}",
                "--dry-run");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("viggo-full-s1") && lines.get(0).contains("to do"), r.out());
        assertTrue(lines.get(1).startsWith("viggo-uniform-50pct-s1"), r.out());
        String train = Files.readString(dir.resolve("dry/runs/viggo-full-s1/train.yaml"));
        assertFalse(train.contains("{ref}\\\\n"), "the escape became a newline: " + train);
    }

    @Test
    void onlyRestrictsThePlanAndAGlobMatchingNoRunExitsTwoListingTheRuns() throws Exception {
        String[] common =
                onStories260K("only", "--methods", "full,uniform", "--budgets", "50%,25%", "--seeds", "2", "--dry-run");
        Result r = cli(concat(common, "--only", "*-25pct-*,viggo-full-s2"));
        assertEquals(0, r.code(), r.err());
        assertEquals(
                List.of("viggo-uniform-25pct-s1", "viggo-full-s2", "viggo-uniform-25pct-s2"),
                r.out().lines().map(l -> l.split(" ")[0]).toList(),
                r.out());
        Result none = cli(concat(common, "--only", "*-12.5pct-*"));
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("--only *-12.5pct-* matches no run; the runs are: viggo-full-s1, "), none.err());
    }
}
