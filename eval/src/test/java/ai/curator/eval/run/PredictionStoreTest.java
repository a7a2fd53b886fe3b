package ai.curator.eval.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionStoreTest {
    @TempDir
    Path dir;

    @Test
    void appendsEachPredictionAndReadsItBack() {
        Path f = dir.resolve("p.jsonl");
        try (PredictionStore s = new PredictionStore(f)) {
            s.append(new Generator.Completion("a", "x\ny"));
            s.append(new Generator.Completion("a", "ignored: already finished"));
        }
        try (PredictionStore s = new PredictionStore(f)) {
            assertEquals(Map.of("a", "x\ny"), s.done());
            s.append(new Generator.Completion("b", "z"));
        }
        try (PredictionStore s = new PredictionStore(f)) {
            assertEquals(Map.of("a", "x\ny", "b", "z"), s.done());
        }
    }

    @Test
    void aLineCutShortByAKillIsDropped() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"prediction\":\"1\"}\n{\"id\":\"b\",\"predic");
        try (PredictionStore s = new PredictionStore(f)) {
            assertEquals(Map.of("a", "1"), s.done());
            s.append(new Generator.Completion("b", "2"));
        }
        assertEquals(
                List.of("{\"id\":\"a\",\"prediction\":\"1\"}", "{\"id\":\"b\",\"prediction\":\"2\"}"),
                Files.readAllLines(f));
    }

    @Test
    void aCorruptLineInTheMiddleNamesTheLine() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"prediction\":\"1\"}\nnot json\n{\"id\":\"b\",\"prediction\":\"2\"}\n");
        var e = assertThrows(DataException.class, () -> new PredictionStore(f));
        assertTrue(e.getMessage().startsWith(f + " line 2: not a JSON object"), e.getMessage());
    }
}
