package ai.curator.eval.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Column;
import ai.curator.io.ArrowIo;
import ai.curator.io.RawTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkBenchTest {
    @TempDir
    Path dir;

    @Test
    void syntheticDataIsAParquetFileOfIdsFeaturesAndPositiveLossesDrawnFromTheSeed() throws Exception {
        int n = 2 * SyntheticEmbeddings.BATCH + 123; // three batches, the last one short
        Path a = dir.resolve("a.parquet");
        SyntheticEmbeddings.write(a, n, 8, 42);
        RawTable t = ArrowIo.readParquet(a);
        assertEquals(n, t.rows());
        assertEquals(10, t.columns().size());
        assertEquals("id", t.columns().get(0).name());
        assertEquals("f7", t.columns().get(8).name());
        Column id = t.columns().get(0);
        Column loss = t.columns().get(9);
        double first = t.columns().get(1).number(0);
        boolean varies = false;
        for (int i = 0; i < n; i++) {
            assertEquals(i, id.int64(i));
            assertTrue(loss.number(i) >= 0.5, "loss " + loss.number(i) + " at row " + i);
            varies |= t.columns().get(1).number(i) != first;
        }
        assertTrue(varies);
        Path b = dir.resolve("b.parquet");
        SyntheticEmbeddings.write(b, n, 8, 42);
        Path c = dir.resolve("c.parquet");
        SyntheticEmbeddings.write(c, n, 8, 43);
        assertEquals(
                ArrowIo.readParquet(b).columns().get(5).number(n - 1),
                t.columns().get(5).number(n - 1));
        assertNotEquals(
                ArrowIo.readParquet(c).columns().get(5).number(n - 1),
                t.columns().get(5).number(n - 1));
        assertTrue(Files.notExists(dir.resolve("a.parquet.tmp")));
    }

    @Test
    void stageSecondsReadBothEnginesLogs() {
        String one = "[load] data.parquet: 20,000 rows, 66 columns (1.4 s)\n"
                + "[1/4 embed features] 20,000 x 64 (0.1 s)\n"
                + "[2/4 score low_rank_sensitivity] rank 10 (3.9 s)\n"
                + "done in 7.2 s (0 of 4 stages cached); selected 1,907 of 20,000 rows by sensitivity_sampling\n";
        assertEquals(Map.of("load", 1.4, "embed", 0.1, "score", 3.9), SparkBench.stageSeconds(one));
        String spark = "[spark] session on local[2] (Spark 4.1.1, 2 cores) in 3.8 s\n"
                + "[load] 30,000 rows of /x/t.csv (9.8 s)\n"
                + "         spark: 8 tasks, input 3.5 MiB, shuffle 250.3 KiB written / 250.3 KiB read, executors 6.1 s"
                + " (GC 0.2 s)\n"
                + "[select: sensitivity_sampling] 5,000 draws with replacement ∝ low_rank_sensitivity (1.8 s)\n";
        assertEquals(Map.of("load", 9.8, "select", 1.8), SparkBench.stageSeconds(spark));
    }

    @Test
    void theBenchWritesItsDataInAChildJvmAsThisOneWould() throws Exception {
        // no engine: the bench only makes its data file (1,000 rows x 4, seed 1), in a child JVM
        assertTrue(
                new SparkBench(options(false, false, false), System.err).run().isEmpty());
        Path made = dir.resolve("data-n1000-d4-s1.parquet");
        Path here = dir.resolve("here.parquet");
        SyntheticEmbeddings.write(here, 1000, 4, 1);
        RawTable a = ArrowIo.readParquet(made);
        RawTable b = ArrowIo.readParquet(here);
        assertEquals(1000, a.rows());
        for (int c = 0; c < 6; c++) {
            for (int i = 0; i < 1000; i++) {
                assertEquals(b.columns().get(c).number(i), a.columns().get(c).number(i), "column " + c + " row " + i);
            }
        }
    }

    @Test
    void theReportNamesOnlyTheHeapsOfTheEnginesThatRan() {
        assertEquals("Spark driver's heap 18g", SparkBenchReport.jvms(options(false, true, false)));
        assertEquals(
                "one machine's heap 8g; Spark driver's heap 18g; standalone: 2 workers x 1 cores, executors 4g",
                SparkBenchReport.jvms(options(true, true, true)));
    }

    /** 1,000 rows × 4, executors 4g, driver 18g, one machine 8g; the engines as given. */
    private SparkBench.Options options(boolean oneMachine, boolean local, boolean cluster) {
        return new SparkBench.Options(
                java.util.List.of(1000L),
                4,
                java.util.List.of(2),
                "10%",
                2,
                0.2,
                2,
                2,
                1,
                "4g",
                "18g",
                "8g",
                oneMachine,
                local,
                cluster,
                1,
                dir);
    }
}
