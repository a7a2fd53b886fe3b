package ai.curator.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a training JVM with SIGKILL after its second checkpoint, resumes it, and checks the final
 * adapter file is byte-identical to an uninterrupted run's.
 */
class TrainerKillResumeIT {
    @TempDir
    Path dir;

    private Process start(String ckpt, Path out, long pause) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                TrainChild.class.getName(),
                ckpt,
                out.toString(),
                Long.toString(pause)));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + out.getFileName() + ".txt").toFile())
                .start();
    }

    private void runToEnd(String ckpt, Path out) throws Exception {
        Process p = start(ckpt, out, 0);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "run finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("log-" + out.getFileName() + ".txt")));
    }

    @Test
    void killedTrainingResumesToTheSameAdapter() throws Exception {
        Path reference = dir.resolve("reference");
        runToEnd("-", reference);

        Path ckpt = dir.resolve("ckpt");
        Path out = dir.resolve("killed");
        Process p = start(ckpt.toString(), out, 150);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline && !Files.isDirectory(ckpt.resolve("checkpoint-00000004"))) {
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), "still training when the second checkpoint appeared");
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor();
        assertFalse(Files.exists(out), "no adapter from the killed run");
        String killedLog = Files.readString(dir.resolve("log-killed.txt"));
        assertFalse(killedLog.contains("done:"), killedLog);

        runToEnd(ckpt.toString(), out);
        String log = Files.readString(dir.resolve("log-killed.txt"));
        assertTrue(log.contains("done: 20 updates, resumed from "), log);
        assertFalse(log.contains("resumed from 0"), log);
        assertArrayEquals(
                Files.readAllBytes(reference.resolve("adapter_model.safetensors")),
                Files.readAllBytes(out.resolve("adapter_model.safetensors")));
        assertArrayEquals(
                Files.readAllBytes(reference.resolve("adapter_config.json")),
                Files.readAllBytes(out.resolve("adapter_config.json")));
        System.out.println("TrainerKillResumeIT: "
                + log.lines().filter(l -> l.startsWith("done")).toList());
    }
}
