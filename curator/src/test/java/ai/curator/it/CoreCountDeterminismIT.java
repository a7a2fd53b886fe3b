package ai.curator.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same recipe gives byte-identical outputs whatever the number of cores: runs a recipe with
 * parallel kernels (randomized SVD, kernel ridge, k-means) in child JVMs that see 1 and 3 cores.
 */
class CoreCountDeterminismIT {
    @TempDir
    Path dir;

    @Test
    void oneCoreAndThreeCoresAgree() throws Exception {
        SplittableRandom rnd = new SplittableRandom(8);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("data.csv"), StandardCharsets.UTF_8)) {
            StringBuilder h = new StringBuilder();
            for (int j = 0; j < 16; j++) {
                h.append('f').append(j).append(',');
            }
            w.write(h + "loss\n");
            for (int i = 0; i < 40_000; i++) {
                StringBuilder row = new StringBuilder();
                double c = i % 5;
                for (int j = 0; j < 16; j++) {
                    row.append(c * (j % 3) + rnd.nextGaussian()).append(',');
                }
                w.write(row.append(Math.abs(rnd.nextGaussian())).append('\n').toString());
            }
        }
        Files.writeString(
                dir.resolve("r.yaml"),
                "seed: 3\ndataset: {path: data.csv, features: [f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13,f14,f15]}\n"
                        + "stages:\n"
                        + "  - embed: {method: features}\n"
                        + "  - score: {method: clustering_sensitivity, clusters: 50, max_iterations: 20, loss: {source: column, column: loss}}\n"
                        + "  - score: {method: low_rank_sensitivity, rank: 4, landmarks: 0.1, loss: {source: column, column: loss}}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 2000, score: low_rank_sensitivity}\n"
                        + "  - export: {formats: [arrow]}\n");
        run(1);
        run(3);
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("out-1/subset.arrow")),
                Files.readAllBytes(dir.resolve("out-3/subset.arrow")));
    }

    private void run(int cores) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-XX:ActiveProcessorCount=" + cores,
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "ai.curator.cli.CuratorCli",
                        "run",
                        "-q",
                        "-o",
                        dir.resolve("out-" + cores).toString(),
                        dir.resolve("r.yaml").toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + cores + ".txt").toFile())
                .start();
        p.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("log-" + cores + ".txt")));
    }
}
