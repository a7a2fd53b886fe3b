package ai.curator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandExtensionTest {
    @Command(name = "top")
    static final class Top implements Runnable {
        @Override
        public void run() {}
    }

    @Command(name = "child")
    static final class Child implements Runnable {
        @Override
        public void run() {}
    }

    private static CommandExtension ext(String parent, Object command) {
        return new CommandExtension() {
            @Override
            public String parent() {
                return parent;
            }

            @Override
            public Object command() {
                return command;
            }
        };
    }

    @Test
    void aChildListedBeforeTheExtensionThatAddsItsParentStillLands() {
        CommandLine root = new CommandLine(new CuratorCli());
        CuratorCli.addExtensions(root, List.of(ext("top", new Child()), ext("curator", new Top())));
        assertTrue(root.getSubcommands().containsKey("top"));
        assertTrue(root.getSubcommands().get("top").getSubcommands().containsKey("child"));
    }

    @Test
    void anUnknownParentNamesTheExtensionAndTheKnownCommands() {
        CommandLine root = new CommandLine(new CuratorCli());
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> CuratorCli.addExtensions(root, List.of(ext("nope", new Child()))));
        assertTrue(e.getMessage().contains("unknown parent command 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("run"), e.getMessage());
    }

    @Test
    void theInstalledExtensionsOfThisModuleLeaveTheCoreCommandsInPlace() {
        CommandLine cl = CuratorCli.commandLine();
        for (String c : List.of("run", "validate", "describe", "list")) {
            assertTrue(cl.getSubcommands().containsKey(c), c);
        }
        assertEquals(0, cl.execute("list"));
    }
}
