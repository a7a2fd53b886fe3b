package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Generator.Settings;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.Stories260k;
import ai.curator.lm.io.CheckpointLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model on real pretrained weights nobody in this project wrote: Karpathy's stories260K,
 * loaded by the production readers from both of its files (GGUF and llama2.c; skipped when
 * {@code ../shared/models/stories260K} is absent).
 *
 * <ul>
 *   <li>its logits equal those of the independent numpy reference ({@code
 *       src/test/python/stories260k_reference.py}, run.c's architecture, float64; committed as
 *       {@code golden/stories260k.json}) within 1e-4;
 *   <li>greedy decoding from BOS reproduces llama2.c's own reference output ({@code expected_stdout}
 *       of its {@code test_all.py}: {@code ./run stories260K.bin -z tok512.bin -t 0.0 -n 200}: run.c's
 *       200 steps from BOS print 200 tokens) character for character, with and without the KV cache.
 * </ul>
 */
class Stories260kModelIT {
    /** llama2.c's test_all.py expected_stdout (Karpathy's C implementation, greedy, 200 positions). */
    static final String LLAMA2C_GREEDY =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in "
                    + "the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
                    + "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. She said, "
                    + "\"I want to play with your ball, but I can't find it.\"\n"
                    + "Lily was sad and didn't know what to do. She said, \"I'm sorry, Lily. I didn't know what to do.\"\n"
                    + "Lily didn't want to help her mom, so she";

    private static Checkpoint load(String file) throws Exception {
        Path p = file.endsWith(".gguf") ? Stories260k.gguf() : Stories260k.llama2c();
        return CheckpointLoader.load(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.bin", "stories260K.gguf"})
    void logitsMatchTheIndependentReference(String file) throws Exception {
        int[] ids = Stories260k.ints(Stories260k.golden().get("logits_ids"));
        float[][] want = Stories260k.logits();
        try (CausalLm lm = CausalLm.load(load(file))) {
            float[][] got = lm.logits(ids);
            assertEquals(want.length, got.length);
            double worst = 0;
            for (int t = 0; t < want.length; t++) {
                for (int v = 0; v < want[t].length; v++) {
                    worst = Math.max(worst, Math.abs(want[t][v] - got[t][v]));
                }
            }
            System.out.printf("stories260K %s: max |logit - reference| = %.2e%n", file, worst);
            assertTrue(worst < 1e-4, "max |Δ logit| " + worst);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.bin", "stories260K.gguf"})
    void greedyFromBosTellsLlama2cStory(String file) throws Exception {
        try (CausalLm lm = CausalLm.load(load(file))) {
            List<int[]> bos = List.of(new int[] {1});
            Decoder.Output cached = lm.generate(bos, Settings.greedy(200)).get(0);
            Decoder.Output full =
                    new Decoder(lm, false).generate(bos, Settings.greedy(200)).get(0);
            assertArrayEquals(full.tokens(), cached.tokens());
            assertEquals(LLAMA2C_GREEDY, cached.text());
            int[] golden = Stories260k.ints(Stories260k.golden().get("greedy_ids"));
            assertArrayEquals(golden, java.util.Arrays.copyOf(cached.tokens(), golden.length));
            // Its own greedy story is likely under the model: a low loss, far below uniform (ln 512 ≈ 6.24).
            double[] loss = new SequenceLoss(lm, SequenceLoss.Options.defaults())
                    .losses(List.of(new SequenceLoss.Example(new int[] {1}, cached.tokens())));
            assertTrue(loss[0] > 0 && loss[0] < 1.5, "loss " + loss[0]);
        }
    }
}
