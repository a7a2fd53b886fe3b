package ai.curator.eval.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.cli.CuratorCli;
import ai.curator.io.ArrowIo;
import ai.curator.linalg.FloatMatrix;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Both studies end to end on 60 GSM8K-format rows, random embeddings and a losses file. */
class StudyCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result curator(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CuratorCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private void inputs(int n) throws Exception {
        Files.createDirectories(dir.resolve("data/gsm8k"));
        StringBuilder rows = new StringBuilder();
        StringBuilder losses = new StringBuilder();
        SplittableRandom rnd = new SplittableRandom(3);
        double[][] e = new double[n][8];
        for (int i = 0; i < n; i++) {
            rows.append("{\"question\": \"q")
                    .append(i)
                    .append("\", \"answer\": \"a\\n#### ")
                    .append(i)
                    .append("\"}\n");
            for (int j = 0; j < 8; j++) {
                e[i][j] = rnd.nextGaussian();
            }
            losses.append("{\"id\": \"")
                    .append(i)
                    .append("\", \"loss\": ")
                    .append(1 + Math.abs(e[i][0]))
                    .append("}\n");
        }
        Files.writeString(dir.resolve("data/gsm8k/train.jsonl"), rows);
        Files.writeString(dir.resolve("losses.jsonl"), losses);
        try (OutputStream o = Files.newOutputStream(dir.resolve("e.arrow"))) {
            ArrowIo.writeMatrix(FloatMatrix.of(e), "embedding", o);
        }
    }

    @Test
    void structureAndLossApproxWriteTheirTablesAndPlots() throws Exception {
        inputs(60);
        String[] common = {
            "--embeddings", dir.resolve("e.arrow").toString(),
            "--data", dir.resolve("data").toString(),
            "--losses", dir.resolve("losses.jsonl").toString(),
            "-o", dir.resolve("out").toString()
        };
        Result s = curator(concat(new String[] {"study", "structure", "--k", "5%,10,50%", "--restarts", "2"}, common));
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("| 3 | 5.00% |") && s.out().contains("| 30 | 50.00% |"), s.out());
        for (String f : List.of("structure.md", "structure.csv", "structure.png", "structure.provenance.json")) {
            assertTrue(Files.size(dir.resolve("out").resolve(f)) > 0, f);
        }
        assertEquals(4, Files.readAllLines(dir.resolve("out/structure.csv")).size());

        Result l = curator(concat(
                new String[] {
                    "study",
                    "loss-approx",
                    "--k",
                    "5,10",
                    "--lambdas",
                    "0,1",
                    "--samples",
                    "20",
                    "--trials",
                    "3",
                    "--rank",
                    "2",
                    "--restarts",
                    "1"
                },
                common));
        assertEquals(0, l.code(), l.err());
        List<String> csv = Files.readAllLines(dir.resolve("out/loss-approx.csv"));
        assertEquals(1 + 2 * 2 * 2, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("clustering_sensitivity,5,0,"), csv.get(1));
        assertTrue(Files.size(dir.resolve("out/loss-approx.png")) > 0);

        Result missing = curator(
                "study",
                "structure",
                "--embeddings",
                dir.resolve("e.arrow").toString(),
                "--data",
                dir.resolve("data").toString());
        assertEquals(CuratorCli.BAD_INPUT, missing.code());
        assertTrue(missing.err().contains("--losses FILE or as --lm-model"), missing.err());
        Files.writeString(dir.resolve("short.jsonl"), "{\"id\": \"0\", \"loss\": 1}\n");
        Result shortLosses = curator(
                "study",
                "structure",
                "--embeddings",
                dir.resolve("e.arrow").toString(),
                "--data",
                dir.resolve("data").toString(),
                "--losses",
                dir.resolve("short.jsonl").toString());
        assertEquals(CuratorCli.BAD_INPUT, shortLosses.code());
        assertTrue(shortLosses.err().contains("has no loss for id '1' (row 1)"), shortLosses.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
