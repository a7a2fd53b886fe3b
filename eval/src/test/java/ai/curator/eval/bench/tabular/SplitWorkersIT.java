package ai.curator.eval.bench.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.learn.nn.MlpClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker process stops as soon as its parent is gone, instead of training on as an orphan. */
class SplitWorkersIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerWhoseParentEndsStopsAtOnce() throws Exception {
        TabularData data = TabularData.load(TestFiles.repoRoot().resolve("data/shuttle/shuttle-2k.tsv.gz"), "target");
        // long enough to run for minutes: 2,000 epochs without early stopping
        MlpClassifier.Options mlp = new MlpClassifier.Options(64, 32, 2000, 16, 1e-3, 2000, 0.1);
        TabularBench.Config c = new TabularBench.Config(
                2, 1, 0.3, 1, List.of("full"), mlp, 1, 1, 0.1, 0.1, 10, 200, 0, List.of(0.1), List.of(0.1), 0.2, 0, 2);
        Path job = dir.resolve("job.bin");
        Path result = dir.resolve("result.bin");
        SplitWorkers.write(
                job,
                new SplitWorkers.Job(
                        data.name(),
                        data.rows(),
                        data.x().cols(),
                        data.x().data(),
                        data.y(),
                        data.classes(),
                        data.features(),
                        c,
                        new int[] {1}));
        Process parent = new ProcessBuilder("sleep", "3").start();
        Process child = new ProcessBuilder(SplitWorkers.command(job, result, parent.pid()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        assertTrue(child.isAlive(), "the worker runs while its parent does");
        assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
        boolean ended = child.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        assertTrue(
                ended, "the worker kept running after its parent ended: " + Files.readString(dir.resolve("child.log")));
        assertEquals(SplitWorkers.ORPHANED, child.exitValue(), Files.readString(dir.resolve("child.log")));
        assertFalse(Files.exists(result), "no result from a stopped worker");
    }
}
