package ai.curator.eval.bench.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report over result objects shaped as {@link LlmRunResult} writes them: 3 seeds of full, and
 * uniform and lowrank at 50% and 25% of 40 training rows. Every expected number is computed here
 * from the inputs.
 */
class LlmBenchReportTest {
    @TempDir
    Path dir;

    private static final List<Long> SEEDS = List.of(1L, 2L, 3L);
    private static final int TRAIN_ROWS = 40;

    /** The exact-match accuracy of a run: a base per (method, budget) plus a per-method seed effect. */
    private static double exact(String method, String budget, long seed) {
        double base =
                switch (method + " " + budget) {
                    case "full 100%" -> 0.60;
                    case "uniform 50%" -> 0.40;
                    case "lowrank 50%" -> 0.46;
                    case "uniform 25%" -> 0.30;
                    case "lowrank 25%" -> 0.35;
                    default -> throw new IllegalArgumentException(method + " " + budget);
                };
        double[] noise = method.equals("lowrank") ? new double[] {0.03, -0.02, 0.01} : new double[] {0, 0.02, -0.01};
        return base + noise[(int) (seed - 1) % noise.length];
    }

    private static double fraction(String budget) {
        return Double.parseDouble(budget.replace("%", "")) / 100;
    }

    private static ObjectNode result(String method, String budget, long seed) {
        double f = fraction(budget);
        ObjectNode o = LlmBench.JSON.createObjectNode();
        o.put(
                "id",
                "viggo-" + method + (method.equals("full") ? "" : "-" + LlmBenchConfig.label(budget)) + "-s" + seed);
        o.put("task", "viggo");
        o.put("method", method);
        o.put("budget", budget);
        o.put("fraction", f);
        o.put("seed", seed);
        o.put("rows", (int) Math.round(f * TRAIN_ROWS));
        o.put("draws", (int) Math.round(f * TRAIN_ROWS) + 1);
        o.put("first_train_loss", 3.0 + seed);
        o.put("last_train_loss", 2.0 + seed);
        ObjectNode m = o.putObject("metrics");
        m.put("exact", exact(method, budget, seed));
        m.put("partial", exact(method, budget, seed) + 0.1);
        o.put("headline", "exact");
        o.put("eval_rows", 6);
        ObjectNode c = o.putObject("cost");
        boolean lowrank = method.equals("lowrank");
        c.put("embed_seconds", lowrank ? 1.0 : 0);
        c.put("score_seconds", lowrank ? 0.5 * seed : 0);
        c.put("select_seconds", method.equals("full") ? 0 : 0.25);
        c.put("selection_seconds", (lowrank ? 1.0 + 0.5 * seed : 0) + (method.equals("full") ? 0 : 0.25));
        c.put("oracle_rows", lowrank ? 20 : 0);
        c.put("oracle_tokens", lowrank ? 600 + seed : 0);
        c.put("oracle_seconds", lowrank ? 0.1 : 0);
        c.put("finetune_tokens", (long) (1000 * f));
        c.put("finetune_updates", 3);
        c.put("finetune_tokens_per_second", 500.0);
        c.put("finetune_seconds", 10 * f + seed);
        c.put("eval_seconds", 5.0);
        c.put("select_recipe_wall_seconds", 2.0);
        c.put("train_recipe_wall_seconds", 20.0);
        return o;
    }

    /** The results in plan order: per seed full, then uniform and lowrank at each budget. */
    private static List<ObjectNode> results() {
        List<ObjectNode> rs = new ArrayList<>();
        for (long s : SEEDS) {
            rs.add(result("full", "100%", s));
            for (String m : List.of("uniform", "lowrank")) {
                for (String b : List.of("50%", "25%")) {
                    rs.add(result(m, b, s));
                }
            }
        }
        return rs;
    }

    private static double mean(double... xs) {
        return Arrays.stream(xs).sum() / xs.length;
    }

    private static double sampleStd(double... xs) {
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (xs.length - 1));
    }

    private static double[] exacts(String method, String budget) {
        return SEEDS.stream().mapToDouble(s -> exact(method, budget, s)).toArray();
    }

    @Test
    void meanAndSampleStd() {
        double[] v = LlmBenchReport.meanStd(List.of(1.0, 2.0, 3.0, 4.0));
        assertEquals(2.5, v[0], 1e-12);
        // squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n − 1 = 3
        assertEquals(Math.sqrt(5.0 / 3), v[1], 1e-12);
        assertEquals(4, v[2]);
        assertArrayEquals(new double[] {7, 0, 1}, LlmBenchReport.meanStd(List.of(7.0)), "one value: std 0");
        assertArrayEquals(
                new double[] {2, Math.sqrt(2), 2},
                LlmBenchReport.meanStd(List.of(1.0, Double.NaN, 3.0)),
                1e-12,
                "a missing metric (NaN) is left out");
        double[] none = LlmBenchReport.meanStd(List.of());
        assertTrue(Double.isNaN(none[0]) && Double.isNaN(none[1]) && none[2] == 0);
    }

    @Test
    void groupsComeInBudgetOrderFullFirstThenMethodsInPlanOrder() {
        List<LlmBenchReport.Group> gs = LlmBenchReport.groups(results());
        assertEquals(
                List.of("full 100%", "uniform 50%", "lowrank 50%", "uniform 25%", "lowrank 25%"),
                gs.stream().map(g -> g.method() + " " + g.budget()).toList());
        for (LlmBenchReport.Group g : gs) {
            assertEquals(SEEDS.size(), g.runs().size(), g.method() + " " + g.budget());
        }
    }

    @Test
    void theDifferenceToUniformIsPairedBySeed() {
        // lowrank's runs in another seed order than uniform's, and a seed uniform lacks
        List<JsonNode> lowrank = new ArrayList<>(List.of(
                result("lowrank", "50%", 3),
                result("lowrank", "50%", 1),
                result("lowrank", "50%", 2),
                result("lowrank", "50%", 4)));
        LlmBenchReport.Group lr = new LlmBenchReport.Group("lowrank", "50%", 0.5, lowrank);
        List<JsonNode> uniform = new ArrayList<>();
        for (long s : SEEDS) {
            uniform.add(result("uniform", "50%", s));
        }
        LlmBenchReport.Group un = new LlmBenchReport.Group("uniform", "50%", 0.5, uniform);
        List<JsonNode> other = new ArrayList<>();
        for (long s : SEEDS) {
            other.add(result("uniform", "25%", s));
        }
        LlmBenchReport.Group un25 = new LlmBenchReport.Group("uniform", "25%", 0.25, other);
        List<Double> d = LlmBenchReport.pairedVsUniform(lr, List.of(un25, lr, un), "exact");
        assertEquals(3, d.size(), "seed 4 has no uniform run; 25% is another budget");
        long[] order = {3, 1, 2};
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    exact("lowrank", "50%", order[i]) - exact("uniform", "50%", order[i]),
                    d.get(i),
                    1e-12,
                    "seed " + order[i]);
        }
    }

    private static String pm(double[] xs) {
        return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean(xs), 100 * sampleStd(xs));
    }

    @Test
    void writesFiveFilesWithOneRowPerMethodAndBudget() throws Exception {
        ObjectNode settings = LlmBench.JSON.createObjectNode();
        settings.put("model", "/m/stories260K.gguf");
        settings.put("eval_split", "test");
        settings.put("finetune", "lora");
        settings.put("learning_rate", 1e-3);
        settings.put("epochs", 1);
        settings.put("batch_size", 8);
        settings.put("landmarks", 0.5);
        List<ObjectNode> rs = results();
        List<Path> files = LlmBenchReport.write(dir, settings, "curator bench llm --task viggo", rs, TRAIN_ROWS);
        assertEquals(
                List.of(
                        "llm-bench.md",
                        "llm-bench-summary.csv",
                        "llm-bench-runs.csv",
                        "llm-bench.json",
                        "llm-bench.png"),
                files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            assertTrue(Files.size(f) > 0, f.toString());
        }
        byte[] png = Files.readAllBytes(dir.resolve("llm-bench.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));

        String md = Files.readString(dir.resolve("llm-bench.md"));
        assertTrue(md.contains("curator bench llm --task viggo"), md);
        assertTrue(
                md.contains("Base model `/m/stories260K.gguf`; 40 training rows; evaluated on the test split (6 rows)"),
                md);
        assertTrue(md.contains("lr 0.001, 1 epoch(s), batch 8"), md);
        settings.put("updates", "full");
        LlmBenchReport.write(dir, settings, "curator bench llm --task viggo --updates full", rs, TRAIN_ROWS);
        assertTrue(
                Files.readString(dir.resolve("llm-bench.md"))
                        .contains("1 epoch(s) for the full run, round(epochs / share) for a subset (--updates full"),
                "the same-updates setting is stated");
        String mainTable = md.substring(md.indexOf("| method |"), md.indexOf("\n\n", md.indexOf("| method |")));
        List<String[]> rows = mainTable
                .lines()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| method"))
                .map(l -> Arrays.stream(l.substring(1, l.length() - 1).split("\\|"))
                        .map(String::trim)
                        .toArray(String[]::new))
                .toList();
        String header =
                md.lines().filter(l -> l.startsWith("| method")).findFirst().orElseThrow();
        assertEquals(
                "| method | budget | seeds | rows | exact | PRR | Δ uniform | partial | selection s | oracle rows |"
                        + " oracle tokens | fine-tune s | fine-tune tokens | eval s |",
                header);
        List<String> groups = List.of("full 100%", "uniform 50%", "lowrank 50%", "uniform 25%", "lowrank 25%");
        assertEquals(groups, rows.stream().map(r -> r[0] + " " + r[1]).toList(), md);
        double fullMean = mean(exacts("full", "100%"));
        Map<String, String> summaryCsv = new java.util.HashMap<>();
        List<String> csv = Files.readAllLines(dir.resolve("llm-bench-summary.csv"));
        assertEquals(1 + groups.size(), csv.size());
        List<String> csvHeader = List.of(csv.get(0).split(","));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            summaryCsv.put(f[0] + " " + f[1], line);
        }
        for (int i = 0; i < groups.size(); i++) {
            String method = groups.get(i).split(" ")[0];
            String budget = groups.get(i).split(" ")[1];
            double f = fraction(budget);
            String[] r = rows.get(i);
            double[] ex = exacts(method, budget);
            assertEquals("3", r[2], "seeds");
            assertEquals(Long.toString(Math.round(f * TRAIN_ROWS)), r[3], "rows");
            assertEquals(pm(ex), r[4], groups.get(i) + " exact");
            double prr = mean(ex) / fullMean;
            assertEquals(String.format(Locale.ROOT, "%.1f%%", 100 * prr), r[5], groups.get(i) + " PRR");
            if (method.equals("lowrank")) {
                double[] d = new double[SEEDS.size()];
                for (int s = 0; s < d.length; s++) {
                    d[s] = ex[s] - exact("uniform", budget, SEEDS.get(s));
                }
                assertEquals(
                        String.format(Locale.ROOT, "%+.1f ± %.1f", 100 * mean(d), 100 * sampleStd(d)),
                        r[6],
                        groups.get(i) + " Δ uniform");
            } else {
                assertEquals("–", r[6], "no difference of uniform (or full) to itself");
            }
            double[] partial = Arrays.stream(ex).map(x -> x + 0.1).toArray();
            assertEquals(pm(partial), r[7], groups.get(i) + " partial");
            double[] sel = SEEDS.stream()
                    .mapToDouble(s -> result(method, budget, s)
                            .at("/cost/selection_seconds")
                            .asDouble())
                    .toArray();
            assertEquals(String.format(Locale.ROOT, "%.1f", mean(sel)), r[8], "selection s");
            assertEquals(method.equals("lowrank") ? "20" : "0", r[9], "oracle rows");
            // oracle tokens 601, 602, 603: mean 602
            assertEquals(method.equals("lowrank") ? "602" : "0", r[10], "oracle tokens");
            assertEquals(String.format(Locale.ROOT, "%.0f", 10 * f + 2), r[11], "fine-tune s: mean of 10f + seed");
            assertEquals(String.format(Locale.ROOT, "%,.0f", 1000 * f), r[12], "fine-tune tokens");
            assertEquals("5", r[13], "eval s");

            String[] c = summaryCsv.get(groups.get(i)).split(",");
            assertEquals(mean(ex), Double.parseDouble(c[csvHeader.indexOf("exact_mean")]), 1e-6);
            assertEquals(sampleStd(ex), Double.parseDouble(c[csvHeader.indexOf("exact_std")]), 1e-6);
            assertEquals(prr, Double.parseDouble(c[csvHeader.indexOf("prr")]), 1e-6);
        }
        assertEquals(1.0, Double.parseDouble(summaryCsv.get("full 100%").split(",")[csvHeader.indexOf("prr")]));

        List<String> runsCsv = Files.readAllLines(dir.resolve("llm-bench-runs.csv"));
        assertEquals(1 + rs.size(), runsCsv.size(), "a line per run");
        assertTrue(runsCsv.get(0).startsWith("id,method,budget,seed,rows,draws,exact,partial,"), runsCsv.get(0));
        assertTrue(runsCsv.get(1).startsWith("viggo-full-s1,full,100%,1,40,41,0.600000,0.700000,"), runsCsv.get(1));

        JsonNode json = LlmBench.JSON.readTree(dir.resolve("llm-bench.json").toFile());
        assertEquals("exact", json.path("headline").asText());
        assertEquals(TRAIN_ROWS, json.path("train_rows").asInt());
        assertEquals(rs.size(), json.path("runs").size());
        assertEquals(groups.size(), json.path("summary").size());
        JsonNode lr50 = json.path("summary").get(2);
        assertEquals("lowrank", lr50.path("method").asText());
        assertEquals(3, lr50.at("/delta_uniform/pairs").asInt());
        assertEquals(
                mean(exacts("lowrank", "50%")), lr50.at("/metrics/exact/mean").asDouble(), 1e-12);
        assertTrue(json.path("summary").get(1).path("delta_uniform").isMissingNode(), "uniform has none");

        // the paired difference on every metric: a table and the JSON
        for (String budget : List.of("50%", "25%")) {
            double[] dp = new double[SEEDS.size()];
            for (int s = 0; s < dp.length; s++) {
                dp[s] = result("lowrank", budget, SEEDS.get(s))
                                .at("/metrics/partial")
                                .asDouble()
                        - result("uniform", budget, SEEDS.get(s))
                                .at("/metrics/partial")
                                .asDouble();
            }
            String line = md.substring(md.indexOf("| method vs uniform"))
                    .lines()
                    .filter(l -> l.startsWith("| lowrank | " + budget + " | 3 |"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(md));
            assertTrue(
                    line.endsWith(String.format(Locale.ROOT, "| %+.1f ± %.1f |", 100 * mean(dp), 100 * sampleStd(dp))),
                    line);
        }
        assertTrue(md.contains("| method vs uniform | budget | pairs | exact | partial |"), md);
        assertEquals(3, lr50.at("/delta_uniform_by_metric/partial/pairs").asInt());
    }

    @Test
    void withoutFullThereIsNoPrr() throws Exception {
        List<ObjectNode> rs = new ArrayList<>(results().stream()
                .filter(r -> !r.path("method").asText().equals("full"))
                .toList());
        LlmBenchReport.write(dir, LlmBench.JSON.createObjectNode(), "c", rs, TRAIN_ROWS);
        String md = Files.readString(dir.resolve("llm-bench.md"));
        List<String> rows = md.substring(0, md.indexOf("Paired difference"))
                .lines()
                .filter(l -> l.startsWith("| uniform") || l.startsWith("| lowrank"))
                .toList();
        assertEquals(4, rows.size(), md);
        for (String r : rows) {
            assertEquals("–", r.split("\\|")[6].trim(), r);
        }
    }
}
