package ai.curator.eval.bench.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.RecipeException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The bench's settings: defaults, every refusal's message, run-id labels and seeds. */
class LlmBenchConfigTest {
    private static LlmBenchConfig with(Consumer<LlmBenchArgs> change) {
        LlmBenchArgs a = new LlmBenchArgs();
        change.accept(a);
        return a.build();
    }

    private static String refused(Consumer<LlmBenchArgs> change) {
        return assertThrows(RecipeException.class, () -> with(change)).getMessage();
    }

    @Test
    void defaultsArePaperThreesMethodsAndBudgetsAndTheTestSplit() {
        LlmBenchConfig c = with(a -> {});
        assertEquals(List.of("full", "uniform", "clustering", "lowrank"), c.methods());
        assertEquals(List.of("25%", "12.5%", "6.25%"), c.budgets());
        assertEquals(LlmBenchConfig.DEFAULT_METHODS, c.methods());
        assertEquals(LlmBenchConfig.DEFAULT_BUDGETS, c.budgets());
        assertEquals(
                c,
                with(a -> {
                    a.methods = List.of();
                    a.budgets = List.of();
                }),
                "an empty list is the default too");
        assertEquals("test", with(a -> a.evalSplit = null).evalSplit());
        assertNull(c.prompt());
        assertEquals("{prompt}", c.trainPrompt(), "HALO's prompt column");
        assertEquals("{response}", c.trainResponse());
        assertEquals("{prompt}", c.embedText(), "the embedded text is the prompt");
    }

    @Test
    void methodsAndBudgetsKeepTheirOrderWithoutRepeats() {
        LlmBenchConfig c = with(a -> {
            a.methods = List.of("lowrank", "full", "lowrank", "k_center");
            a.budgets = List.of("10%", "0.5", "10%");
        });
        assertEquals(List.of("lowrank", "full", "k_center"), c.methods());
        assertEquals(List.of("10%", "0.5"), c.budgets());
    }

    @Test
    void templatesFollowThePromptAndTheText() {
        LlmBenchConfig c = with(a -> {
            a.prompt = "{ref}\n";
            a.response = "{mr}";
        });
        assertEquals("{ref}\n", c.trainPrompt());
        assertEquals("{mr}", c.trainResponse());
        assertEquals("{ref}\n", c.embedText(), "the embedded text defaults to the prompt");
        assertEquals("{ref}", with(a -> a.text = "{ref}").embedText());
    }

    @Test
    void anUnknownMethodIsRefusedListingTheKnownOnes() {
        String m = refused(a -> a.methods = List.of("uniform", "random"));
        assertTrue(m.contains("unknown method 'random' in --methods"), m);
        assertTrue(m.contains("known: " + String.join(", ", LlmMethods.NAMES)), m);
        assertTrue(m.contains("full, uniform, clustering, lowrank, k_means, k_center"), m);
    }

    @Test
    void budgetsMustBeSharesOfTheTrainingSplit() {
        String m = refused(a -> a.budgets = List.of("25%", "500"));
        assertTrue(m.contains("--budgets takes shares of the training split"), m);
        assertTrue(m.contains("the count '500'"), m);
        m = refused(a -> a.budgets = List.of("lots"));
        assertTrue(m.startsWith("--budgets: ") && m.contains("'lots'"), m);
        m = refused(a -> a.budgets = List.of("150%"));
        assertTrue(m.startsWith("--budgets: ") && m.contains("'150%'"), m);
    }

    @Test
    void twoSpellingsOfOneShareAreRefused() {
        // 25% and 0.25 would be the same runs (ids end in 25pct) planned twice
        String m = refused(a -> a.budgets = List.of("25%", "0.25"));
        assertTrue(m.contains("25%") && m.contains("0.25") && m.contains("same"), m);
    }

    @Test
    void promptAndResponseGoTogether() {
        String m = refused(a -> a.prompt = "{ref}");
        assertEquals("--prompt and --response go together (a compact template needs both)", m);
        assertEquals(m, refused(a -> a.response = "{mr}"));
    }

    @Test
    void landmarksMustBeAShare() {
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            String m = refused(a -> a.landmarks = bad);
            assertEquals("--landmarks must be a share in (0, 1], got " + bad, m);
        }
        assertEquals(1.0, with(a -> a.landmarks = 1).landmarks(), "every row a landmark");
    }

    @Test
    void everyOtherSettingNamesItsOption() {
        assertEquals("--task is required: gsm8k, viggo or sql", refused(a -> a.task = " "));
        assertTrue(refused(a -> a.model = null).startsWith("--model is required"));
        assertEquals("--seeds must be >= 1, got 0", refused(a -> a.seeds = 0));
        assertEquals("--workers must be >= 1, got 0", refused(a -> a.workers = 0));
        assertEquals("--rank must be >= 1, got 0", refused(a -> a.rank = 0));
        assertEquals("--epochs must be >= 1, got -1", refused(a -> a.epochs = -1));
        assertEquals("--batch must be >= 1, got 0", refused(a -> a.batchSize = 0));
        assertEquals("--max-length must be >= 1, got 0", refused(a -> a.maxLength = 0));
        assertEquals("--lora-r must be >= 1, got 0", refused(a -> a.loraR = 0));
        assertEquals("--lora-alpha must be >= 1, got 0", refused(a -> a.loraAlpha = 0));
        assertEquals("--max-new-tokens must be >= 1, got 0", refused(a -> a.maxNewTokens = 0));
        assertEquals("--eval-batch must be >= 1, got 0", refused(a -> a.evalBatch = 0));
        assertEquals("--lambda must be >= 0, got -1.0", refused(a -> a.lambda = -1));
        assertEquals("--finetune must be lora or full, got 'qlora'", refused(a -> a.finetune = "qlora"));
        assertEquals("--lr must be > 0, got 0.0", refused(a -> a.learningRate = 0));
        assertEquals("--warmup-ratio must be in [0, 1), got 1.0", refused(a -> a.warmupRatio = 1));
        assertEquals("--lora-dropout must be in [0, 1), got 1.0", refused(a -> a.loraDropout = 1));
        assertEquals("--eval-limit must be >= 1, got 0", refused(a -> a.evalLimit = 0));
    }

    @Test
    void budgetLabelsNameThePercentage() {
        assertEquals("12.5pct", LlmBenchConfig.label("12.5%"));
        assertEquals("25pct", LlmBenchConfig.label("25%"));
        assertEquals("6.25pct", LlmBenchConfig.label("6.25%"));
        assertEquals("25pct", LlmBenchConfig.label("0.25"), "a ratio is labelled as its percentage");
        assertEquals("100pct", LlmBenchConfig.label("100%"));
        assertEquals("0.5pct", LlmBenchConfig.label("0.5%"));
    }

    @Test
    void seedIIsTheFirstSeedPlusI() {
        assertEquals(List.of(1L, 2L, 3L), with(a -> {}).seedList());
        assertEquals(
                List.of(42L, 43L),
                with(a -> {
                            a.seeds = 2;
                            a.seed = 42;
                        })
                        .seedList());
    }
}
