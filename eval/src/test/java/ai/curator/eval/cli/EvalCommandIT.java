package ai.curator.eval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.EvalTask;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code curator eval} on the real evaluation files with the gold answers as the predictions file. */
class EvalCommandIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"gsm8k,test,1319", "viggo,validation,714", "viggo,test,1083", "sql,valid,1000", "sql,mock,770"})
    void goldPredictionsScoreFull(String task, String split, int rows) throws Exception {
        Path root = TestFiles.repoRoot().resolve("../shared/data").normalize();
        Assumptions.assumeTrue(Files.isDirectory(root), "needs the shared data folder beside the checkout: " + root);
        EvalTask t = EvalTask.named(task);
        List<EvalTask.Example> ex = t.examples(root.resolve(t.split(split).file()));
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (EvalTask.Example e : ex) {
            ObjectNode n = json.createObjectNode();
            n.put("id", e.id());
            n.put("prediction", e.reference());
            lines.add(json.writeValueAsString(n));
        }
        Path preds = dir.resolve("gold.jsonl");
        Files.write(preds, lines);
        List<String> args = new ArrayList<>(List.of(
                "eval",
                "--task",
                task,
                "--split",
                split,
                "--data-root",
                root.toString(),
                "--predictions",
                preds.toString(),
                "--out",
                dir.resolve("out").toString()));
        if (split.equals("mock")) {
            args.add("--allow-bad-rows");
        }
        EvalCommandTest.Result r = EvalCommandTest.exec(args.toArray(String[]::new));
        System.out.print("$ curator " + String.join(" ", args) + "\n" + r.out());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith(task + " exact: " + rows + "/" + rows + " = 100.0% (95% CI "), r.out());
        if (split.equals("mock")) {
            assertTrue(r.out().contains("sql execution: 764/764 = 100.0%"), r.out());
        }
        for (String l : r.out().lines().toList()) {
            if (!l.startsWith("Outputs in")) {
                assertTrue(l.contains("= 100.0%"), l);
            }
        }
    }
}
