package ai.curator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void withoutATerminalALongTaskPrintsDoneShareElapsedAndEtaLinesButNotItsEnd() {
        try (Progress p = ProgressBars.lines(err, 0).start("embed bge-small-en", 5_103)) {
            p.step(1_024);
            p.step(2_000);
            p.step(2_079); // the end: the stage's own summary line reports it
        }
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(
                lines.get(0).matches("  embed bge-small-en: 1,024 / 5,103 \\(20%\\), 0:00 elapsed, ETA 0:00"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("  embed bge-small-en: 3,024 / 5,103 (59%), "), lines.get(1));
    }

    @Test
    void aTaskShorterThanTheIntervalPrintsNothing() {
        try (Progress p = ProgressBars.lines(err, 60_000).start("score", 100)) {
            for (int i = 0; i < 100; i++) {
                p.step(1);
            }
        }
        assertEquals(List.of(), lines());
    }

    @Test
    void quietAndDisabledBarsPrintNothing() {
        for (ProgressBars bars : List.of(ProgressBars.auto(true, err), new ProgressBars(false, err))) {
            try (Progress p = bars.start("embed", 10)) {
                p.step(5);
                p.step(5);
            }
        }
        assertEquals(List.of(), lines());
    }

    @Test
    void clockIsMinutesAndSecondsThenHours() {
        assertEquals("0:07", ProgressBars.clock(7.4));
        assertEquals("3:00", ProgressBars.clock(180));
        assertEquals("1:01:01", ProgressBars.clock(3661));
    }
}
