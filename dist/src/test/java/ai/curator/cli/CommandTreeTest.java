package ai.curator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** With every module on the class path, {@code curator} lists what each module's jar adds. */
class CommandTreeTest {
    @Test
    void theEvalModuleAddsTheBenchmarksThroughCommandExtensions() {
        CommandLine cl = CuratorCli.commandLine();
        CommandLine bench = cl.getSubcommands().get("bench");
        assertTrue(
                bench != null,
                "curator bench is missing: " + cl.getSubcommands().keySet());
        assertTrue(
                bench.getSubcommands().keySet().containsAll(java.util.List.of("coreset", "tabular", "llm")),
                bench.getSubcommands().keySet().toString());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("bench", "--help"));
        assertTrue(out.toString().contains("coreset") && out.toString().contains("tabular"), out.toString());
    }

    @Test
    void theFinetuneModuleAddsLmWithItsSubcommands() {
        CommandLine lm = CuratorCli.commandLine().getSubcommands().get("lm");
        assertTrue(lm != null, "curator lm is missing");
        assertTrue(
                lm.getSubcommands().keySet().containsAll(java.util.List.of("generate", "loss", "info", "tokenizer")),
                lm.getSubcommands().keySet().toString());
        assertTrue(lm.getSubcommands().get("tokenizer").getSubcommands().containsKey("train"));
    }
}
