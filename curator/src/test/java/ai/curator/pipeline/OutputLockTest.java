package ai.curator.pipeline;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.RecipeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {
    @TempDir
    Path dir;

    @Test
    void secondLockOnOneDirectoryFailsNamingTheHolder() throws Exception {
        try (OutputLock first = OutputLock.acquire(dir)) {
            RecipeException e = assertThrows(RecipeException.class, () -> OutputLock.acquire(dir));
            assertTrue(
                    e.getMessage()
                            .contains(dir + " is in use by this process (pid "
                                    + ProcessHandle.current().pid()),
                    e.getMessage());
            assertTrue(e.getMessage().contains("use another -o or wait"), e.getMessage());
        }
        OutputLock.acquire(dir).close(); // released: free again
    }

    @Test
    void staleLockFileFromADeadRunIsTakenOver() throws Exception {
        Files.writeString(dir.resolve(OutputLock.FILE), "pid 999999999\nstarted 2020-01-01T00:00:00Z\ncommand java\n");
        try (OutputLock lock = OutputLock.acquire(dir)) {
            String text = Files.readString(dir.resolve(OutputLock.FILE));
            assertTrue(text.startsWith("pid " + ProcessHandle.current().pid() + "\n"), text);
        }
    }

    @Test
    void pipelineRunIntoALockedDirectoryFailsBeforeTouchingIt() throws Exception {
        ai.curator.TestFiles.qa(dir, "data.jsonl", 20);
        Path recipe = ai.curator.TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: data.jsonl}\nstages:\n  - select: {method: uniform, budget: 5}\n"
                        + "  - export: {formats: [jsonl]}\noutput: out\n");
        Path leftover = ai.curator.TestFiles.write(dir, "out/.subset.jsonl.tmp-1", "another run's file");
        try (OutputLock held = OutputLock.acquire(dir.resolve("out"))) {
            Pipeline p = Pipeline.build(recipe, StageRegistry.load());
            RecipeException e = assertThrows(RecipeException.class, () -> p.run(RunSettings.quiet(false)));
            assertTrue(e.getMessage().contains("is in use by"), e.getMessage());
            assertTrue(Files.exists(leftover), "the holder's temporary files are left alone");
        }
    }
}
