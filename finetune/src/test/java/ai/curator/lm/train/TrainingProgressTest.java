package ai.curator.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    @Test
    void aLineShowsLossTokensPerSecondAndEta() {
        assertEquals(
                "[==========>         ] 50/100 loss 2.3451 lr 4.00e-05 1234 tok/s ETA 0:01:02",
                TrainingProgress.line(new Trainer.StepInfo(50, 100, 9, 4e-5, 1, 1234.4, 62.2), 2.3451));
    }

    @Test
    void logsGetALinePerTenthWithTheMeanLoss() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingProgress p = new TrainingProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, null);
        for (int s = 1; s <= 20; s++) {
            p.onStep(new Trainer.StepInfo(s, 20, s, 1e-3, 1, 100, 20 - s));
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length);
        assertTrue(lines[0].contains(" 1/20 loss 1.0000"), lines[0]);
        assertTrue(lines[1].contains(" 2/20 loss 2.0000"), lines[1]);
        assertTrue(lines[10].contains(" 20/20 loss 19.5000") && lines[10].contains("ETA 0:00:00"), lines[10]);
    }
}
