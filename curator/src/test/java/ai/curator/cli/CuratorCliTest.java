package ai.curator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CuratorCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result exec(String... args) {
        CommandLine cl = CuratorCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path recipe(String stages) throws Exception {
        TestFiles.qa(dir, "data.jsonl", 50);
        return TestFiles.write(
                dir,
                "r.yaml",
                "dataset: {path: data.jsonl, text: \"{question}\"}\nstages:\n" + stages + "output: out\n");
    }

    @Test
    void runWritesOutputsAndExitsZero() throws Exception {
        Path r = recipe("  - select: {method: uniform, budget: 10}\n  - export: {formats: [jsonl]}\n");
        Result res = exec("run", "-q", r.toString());
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("subset.jsonl"), res.out());
        assertEquals(10, Files.readAllLines(dir.resolve("out/subset.jsonl")).size());
        assertTrue(Files.exists(dir.resolve("out/subset.jsonl.provenance.json")));
    }

    @Test
    void classQuotaWithoutALabelOrWithReplacementExitsTwo() throws Exception {
        Path r = recipe("  - select: {method: uniform, budget: 10, class_quota: equal}\n");
        Result res = exec("run", r.toString());
        assertEquals(2, res.code());
        assertTrue(
                res.err()
                        .contains(
                                "class_quota: equal draws within classes and needs the label column; set dataset.label"),
                res.err());
        Result rep = exec(
                "run",
                recipe("  - select: {method: uniform, budget: 10, class_quota: equal, replace: true}\n")
                        .toString());
        assertEquals(2, rep.code());
        assertTrue(rep.err().contains("draws without replacement within each class; remove replace: true"), rep.err());
        Result bad = exec(
                "run",
                recipe("  - select: {method: uniform, budget: 10, class_quota: flat}\n")
                        .toString());
        assertEquals(2, bad.code());
        assertTrue(
                bad.err().contains("uniform.class_quota must be one of [none, proportional, equal], got 'flat'"),
                bad.err());
    }

    @Test
    void badRecipeKeyExitsTwoWithValidKeys() throws Exception {
        Path r = recipe("  - select: {method: uniform, budgit: 10}\n");
        Result res = exec("run", r.toString());
        assertEquals(2, res.code());
        assertTrue(
                res.err()
                        .contains(
                                "unknown option 'budgit' for select: uniform. Valid options: budget, class_quota, replace"),
                res.err());
        assertTrue(res.err().contains("Did you mean 'budget'?"), res.err());
        assertFalse(res.err().contains("at ai.curator"), "no stack trace without --verbose");
    }

    @Test
    void unknownStageAndMethodListValidOnes() throws Exception {
        Result stage =
                exec("validate", recipe("  - selekt: {method: uniform}\n").toString());
        assertEquals(2, stage.code());
        assertTrue(
                stage.err().contains("unknown stage 'selekt'. Stages are: embed, export, score, select"), stage.err());
        Result method = exec(
                "validate", recipe("  - select: {method: unifrom, budget: 3}\n").toString());
        assertEquals(2, method.code());
        assertTrue(
                method.err()
                        .contains(
                                "unknown select method 'unifrom'. Methods are: k_center_greedy, k_means, nn_thinning, sensitivity_sampling, top_m, uniform"),
                method.err());
    }

    @Test
    void budgetOutOfRange() throws Exception {
        Result zero = exec(
                "validate", recipe("  - select: {method: uniform, budget: 0}\n").toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("budget must be >= 1"), zero.err());
        Result big = exec(
                "run",
                recipe("  - select: {method: uniform, budget: 51}\n  - export\n")
                        .toString());
        assertEquals(2, big.code());
        assertTrue(big.err().contains("budget 51 is larger than the data set (50 rows)"), big.err());
        assertFalse(Files.exists(dir.resolve("out/subset.jsonl")), "nothing exported");
    }

    @Test
    void unwritableOutputDirExitsTwo() throws Exception {
        Path r = recipe("  - select: {method: uniform, budget: 5}\n  - export\n");
        Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
        Result res = exec("run", "-o", dir.resolve("blocker/out").toString(), r.toString());
        assertEquals(2, res.code());
        assertTrue(res.err().contains("is not writable"), res.err());
    }

    @Test
    void missingDataFileAndMalformedLineExitTwo() throws Exception {
        Path r = TestFiles.write(dir, "m.yaml", "dataset: {path: nope.jsonl}\nstages: [export]\n");
        Result missing = exec("run", r.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.jsonl' does not exist"), missing.err());
        TestFiles.write(dir, "bad.jsonl", "{\"q\":1}\n{\"q\":\n");
        Path r2 = TestFiles.write(dir, "b.yaml", "dataset: {path: bad.jsonl}\nstages: [export]\n");
        Result bad = exec("run", r2.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("bad.jsonl:2: malformed JSON"), bad.err());
    }

    @Test
    void missingRecipeArgumentIsUsageError() {
        Result res = exec("run");
        assertEquals(2, res.code());
        assertTrue(res.err().contains("Missing required parameter: 'RECIPE'"), res.err());
        assertTrue(res.err().contains("Usage: curator run"), res.err());
    }

    @Test
    void describeShowsDefaults() throws Exception {
        Result res = exec(
                "describe",
                recipe("  - select: {method: uniform, budget: 10}\n  - export\n")
                        .toString());
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("\"replace\" : false"), res.out());
        assertTrue(res.out().contains("\"formats\" : [ \"jsonl\", \"parquet\" ]"), res.out());
    }

    @Test
    void listAndVersion() {
        Result list = exec("list");
        assertEquals(0, list.code());
        assertTrue(list.out().contains("select:") && list.out().contains("uniform"), list.out());
        assertTrue(list.out().contains("loss sources (score: {loss: {source: NAME}}):"), list.out());
        assertTrue(list.out().matches("(?s).*\\n  openai +mean NLL of the response given the prompt.*"), list.out());
        assertTrue(list.out().matches("(?s).*\\n  squared_norm +.*"), list.out());
        Result version = exec("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("curator "), version.out());
    }

    @Test
    void verbosePrintsStackTrace() throws Exception {
        Result res = exec(
                "run",
                "--verbose",
                recipe("  - select: {method: uniform, budgit: 10}\n").toString());
        assertEquals(2, res.code());
        assertTrue(res.err().contains("at ai.curator"), res.err());
    }

    @Test
    void rankNotBelowTheEmbeddingDimensionIsBadInput() throws Exception {
        TestFiles.write(dir, "t.csv", "a,b,target\n1,2,0\n2,4,1\n3,7,0\n4,1,1\n5,5,0\n");
        Path r = TestFiles.write(
                dir,
                "k.yaml",
                "dataset: {path: t.csv, label: target}\nstages:\n"
                        + "  - embed: {method: features}\n  - score: {method: low_rank_sensitivity, rank: 2, mode: basis}\n"
                        + "  - select: {method: sensitivity_sampling, budget: 2}\n  - export\noutput: out-k\n");
        Result res = exec("run", "-q", r.toString());
        assertEquals(2, res.code(), res.err());
        assertTrue(
                res.err()
                        .contains(
                                "stages[1] (score: low_rank_sensitivity): low_rank_sensitivity.rank must be < min(N, d) = 2, got 2"),
                res.err());
    }

    @Test
    void validateChecksTheDataFileAndSaysWhereSharedDataComesFrom() throws Exception {
        Path r = TestFiles.write(
                dir,
                "recipes/m.yaml",
                "dataset: {path: missing.jsonl}\nstages:\n  - select: {method: uniform, budget: 3}\n  - export\n");
        Result res = exec("validate", r.toString());
        assertEquals(2, res.code(), res.out());
        assertTrue(
                res.err()
                        .contains("Data file '" + dir.resolve("recipes/missing.jsonl")
                                + "' does not exist (dataset.path 'missing.jsonl' in "),
                res.err());
        Path shared = TestFiles.write(
                dir,
                "repo/recipes/cc.yaml",
                "dataset: {path: ../../shared/data/uci/cc.csv, label: y}\nstages:\n"
                        + "  - select: {method: uniform, budget: 3}\n  - export\n");
        Result cc = exec("validate", shared.toString());
        assertEquals(2, cc.code());
        assertTrue(
                cc.err()
                        .contains("This recipe reads the project's shared data folder, expected at " + dir
                                + "/shared beside the checkout"),
                cc.err());
        assertTrue(cc.err().contains("README.md, \"Data for the credit-card recipes\""), cc.err());
    }

    @Test
    void recipeThatWouldWriteNothingFailsBeforeAnyWork() throws Exception {
        Result none = exec(
                "validate",
                recipe("  - select: {method: uniform, budget: 10}\n").toString());
        assertEquals(2, none.code());
        assertTrue(
                none.err()
                        .contains(
                                "no export stage, so the run would write nothing; add '- export: {formats: [jsonl]}'"),
                none.err());
        Result run = exec(
                "run",
                "-q",
                recipe("  - select: {method: uniform, budget: 10}\n").toString());
        assertEquals(2, run.code());
        assertFalse(Files.exists(dir.resolve("out")), "nothing was started");
        Result after = exec(
                "validate",
                recipe("  - export\n  - select: {method: uniform, budget: 10}\n")
                        .toString());
        assertEquals(2, after.code());
        assertTrue(after.err().contains("stages[1]: select: uniform comes after the last export stage"), after.err());
    }

    @Test
    void misspelledMethodOrStageGetsADidYouMean() throws Exception {
        Result m = exec(
                "validate",
                recipe("  - select: {method: kmeans, budget: 3}\n  - export\n").toString());
        assertEquals(2, m.code());
        assertTrue(
                m.err().contains("unknown select method 'kmeans'") && m.err().contains("Did you mean 'k_means'?"),
                m.err());
        Result k = exec(
                "validate",
                recipe("  - select: {method: kcenter, budget: 3}\n  - export\n").toString());
        assertTrue(k.err().contains("Did you mean 'k_center_greedy'?"), k.err());
        Result s = exec(
                "validate",
                recipe("  - selct: {method: uniform, budget: 3}\n  - export\n").toString());
        assertTrue(s.err().contains("Did you mean 'select'?"), s.err());
    }

    @Test
    void oneRowAndOneStageAreSingular() throws Exception {
        TestFiles.write(dir, "one.jsonl", "{\"question\":\"q\"}\n");
        Path r = TestFiles.write(dir, "one.yaml", "dataset: {path: one.jsonl}\nstages:\n  - export\noutput: out-one\n");
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        Result res;
        try {
            res = exec("run", r.toString());
        } finally {
            System.setErr(old);
        }
        String log = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, res.code(), log + res.err());
        assertTrue(log.contains("seed 42, 1 stage\n"), log);
        assertTrue(log.contains("one.jsonl: 1 row, 1 column ("), log);
        assertTrue(log.contains("selected 1 of 1 row by"), log);
        assertFalse(log.contains("1 rows"), log);
    }
}
