package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Generator.Settings;
import ai.curator.lm.ModelConfig;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Generation on tiny random checkpoints: the cache, batching, stopping, sampling. */
class DecoderTest {
    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("llama GQA", TinyModels.llamaConfig(2, 4, 2, false, true)),
                Arguments.of("gpt2", TinyModels.gpt2Config(2)));
    }

    private static final List<int[]> PROMPTS =
            List.of(new int[] {1, 7, 12, 30, 4, 9}, new int[] {1, 20}, new int[] {1, 33, 34, 35});

    /** A model whose end-of-sequence id is outside what it generates here, so rows run to their budget. */
    private static ModelConfig noEos(ModelConfig c) {
        return new ModelConfig(
                c.architecture(),
                c.vocabSize(),
                c.hiddenSize(),
                c.intermediateSize(),
                c.numLayers(),
                c.numHeads(),
                c.numKvHeads(),
                c.maxPositions(),
                c.normEps(),
                c.ropeTheta(),
                c.tieWordEmbeddings(),
                c.attentionBias(),
                1,
                -1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void cachedGreedyEqualsUncachedTokenForToken(String name, ModelConfig c) {
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 11))) {
            Settings s = Settings.greedy(20);
            List<Decoder.Output> cached = new Decoder(lm, true).generate(PROMPTS, s);
            List<Decoder.Output> full = new Decoder(lm, false).generate(PROMPTS, s);
            for (int b = 0; b < PROMPTS.size(); b++) {
                assertArrayEquals(full.get(b).tokens(), cached.get(b).tokens(), name + " prompt " + b);
                assertEquals(full.get(b).finish(), cached.get(b).finish());
                // Batched (left-padded) = alone.
                Decoder.Output alone = lm.generate(List.of(PROMPTS.get(b)), s).get(0);
                assertArrayEquals(alone.tokens(), cached.get(b).tokens(), name + " prompt " + b + " alone");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void rowsThatFinishEarlyLeaveTheBatchWithoutChangingTheOthers(String name, ModelConfig c) {
        Settings s = Settings.greedy(16);
        int[] free;
        try (CausalLm lm = CausalLm.load(TinyModels.random(noEos(c), 16))) {
            free = lm.generate(List.of(PROMPTS.get(0)), s).get(0).tokens();
        }
        // The end-of-sequence id becomes prompt 0's 3rd greedy token: that row stops early, others may
        // stop at other steps or run on.
        ModelConfig withEos = new ModelConfig(
                c.architecture(),
                c.vocabSize(),
                c.hiddenSize(),
                c.intermediateSize(),
                c.numLayers(),
                c.numHeads(),
                c.numKvHeads(),
                c.maxPositions(),
                c.normEps(),
                c.ropeTheta(),
                c.tieWordEmbeddings(),
                c.attentionBias(),
                1,
                free[2]);
        try (CausalLm lm = CausalLm.load(TinyModels.random(withEos, 16))) {
            List<Decoder.Output> cached = new Decoder(lm, true).generate(PROMPTS, s);
            List<Decoder.Output> full = new Decoder(lm, false).generate(PROMPTS, s);
            assertEquals(Decoder.Finish.EOS, cached.get(0).finish());
            int longest = 0;
            for (int b = 0; b < PROMPTS.size(); b++) {
                assertArrayEquals(full.get(b).tokens(), cached.get(b).tokens(), name + " prompt " + b);
                Decoder.Output alone = lm.generate(List.of(PROMPTS.get(b)), s).get(0);
                assertArrayEquals(alone.tokens(), cached.get(b).tokens(), name + " prompt " + b + " alone");
                longest = Math.max(longest, cached.get(b).tokens().length);
            }
            assertTrue(longest > cached.get(0).tokens().length, name + ": another row ran past row 0's end");
        }
    }

    @Test
    void greedyFollowsTheArgmaxOfTheFullForward() {
        ModelConfig c = noEos(TinyModels.llamaConfig(2, 4, 2, true, false));
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 12))) {
            int[] prompt = {1, 7, 12};
            Decoder.Output out =
                    lm.generate(List.of(prompt), Settings.greedy(6)).get(0);
            assertEquals(6, out.tokens().length);
            assertEquals(Decoder.Finish.LENGTH, out.finish());
            int[] seq = prompt;
            for (int next : out.tokens()) {
                float[][] logits = lm.logits(seq);
                assertEquals(Decoder.argmax(logits[seq.length - 1]), next);
                seq = java.util.Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = next;
            }
            assertEquals(lm.tokenizer().decode(out.tokens()), out.text());
        }
    }

    @Test
    void stopsAtTheEndOfSequenceToken() {
        ModelConfig c = TinyModels.llamaConfig(2, 4, 2, true, false);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 12))) {
            int[] prompt = {1, 7, 12};
            int[] free = lm.generate(List.of(prompt), Settings.greedy(8)).get(0).tokens();
            // Make the 4th greedy token the end-of-sequence id: the output stops before it.
            ModelConfig withEos = new ModelConfig(
                    c.architecture(),
                    c.vocabSize(),
                    c.hiddenSize(),
                    c.intermediateSize(),
                    c.numLayers(),
                    c.numHeads(),
                    c.numKvHeads(),
                    c.maxPositions(),
                    c.normEps(),
                    c.ropeTheta(),
                    c.tieWordEmbeddings(),
                    c.attentionBias(),
                    1,
                    free[3]);
            int first = indexOf(free, free[3]);
            try (CausalLm lm2 = CausalLm.load(TinyModels.random(withEos, 12))) {
                Decoder.Output out =
                        lm2.generate(List.of(prompt), Settings.greedy(8)).get(0);
                assertEquals(Decoder.Finish.EOS, out.finish());
                assertArrayEquals(java.util.Arrays.copyOf(free, first), out.tokens());
            }
        }
    }

    @Test
    void aStopStringCutsTheText() {
        ModelConfig c = noEos(TinyModels.llamaConfig(2, 4, 2, false, false));
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 13))) {
            int[] prompt = {1, 7, 12};
            Decoder.Output free =
                    lm.generate(List.of(prompt), Settings.greedy(12)).get(0);
            String text = free.text();
            assertTrue(text.length() >= 8, text);
            String stop = text.substring(5, 7);
            int at = text.indexOf(stop);
            Settings s = new Settings(12, 0, 1, List.of("never-there", stop), 42);
            Decoder.Output out = lm.generate(List.of(prompt), s).get(0);
            assertEquals(Decoder.Finish.STOP, out.finish());
            assertEquals(text.substring(0, at), out.text());
            // Generation stopped at the token that completed the stop string.
            int[] t = out.tokens();
            assertTrue(lm.tokenizer().decode(t).contains(stop));
            assertTrue(!lm.tokenizer()
                    .decode(java.util.Arrays.copyOf(t, t.length - 1))
                    .contains(stop));
        }
    }

    @Test
    void samplingIsFixedBySeedAndTopPNarrowsTheChoice() {
        ModelConfig c = noEos(TinyModels.gpt2Config(1));
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 14))) {
            Settings a = new Settings(15, 1.0, 1.0, List.of(), 5);
            List<Decoder.Output> x = lm.generate(PROMPTS, a);
            List<Decoder.Output> y = lm.generate(PROMPTS, a);
            for (int b = 0; b < PROMPTS.size(); b++) {
                assertArrayEquals(x.get(b).tokens(), y.get(b).tokens());
            }
            List<Decoder.Output> z = lm.generate(PROMPTS, new Settings(15, 1.0, 1.0, List.of(), 6));
            assertNotEquals(
                    x.get(0).text() + x.get(1).text(),
                    z.get(0).text() + z.get(1).text());
            // A tiny nucleus keeps only the most probable token: sampling becomes greedy.
            List<Decoder.Output> narrow = lm.generate(PROMPTS, new Settings(15, 1.0, 1e-6, List.of(), 5));
            List<Decoder.Output> greedy = lm.generate(PROMPTS, Settings.greedy(15));
            for (int b = 0; b < PROMPTS.size(); b++) {
                assertArrayEquals(greedy.get(b).tokens(), narrow.get(b).tokens());
            }
        }
    }

    @Test
    void samplerDrawsInProportionWithinTheNucleus() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        SplittableRandom r = new SplittableRandom(1);
        int[] counts = new int[4];
        int n = 40000;
        for (int i = 0; i < n; i++) {
            counts[Decoder.sample(logits, 1.0, 0.75, r)]++;
        }
        // top-p 0.75 keeps {0.5, 0.3} (0.5 < 0.75, 0.8 crosses it): 5/8 and 3/8.
        assertEquals(0, counts[2] + counts[3]);
        assertEquals(0.625, counts[0] / (double) n, 0.01);
        counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[Decoder.sample(logits, 1.0, 1.0, r)]++;
        }
        assertEquals(0.15, counts[2] / (double) n, 0.01);
        assertEquals(0.05, counts[3] / (double) n, 0.01);
        // Temperature 0.5 squares the odds: 0.5² : 0.3² : … normalised.
        counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[Decoder.sample(logits, 0.5, 1.0, r)]++;
        }
        double z = 0.25 + 0.09 + 0.0225 + 0.0025;
        assertEquals(0.25 / z, counts[0] / (double) n, 0.01);
    }

    @Test
    void generationStopsAtTheEndOfTheContext() {
        ModelConfig c = noEos(TinyModels.llamaConfig(1, 4, 2, false, false));
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 15))) {
            int[] prompt = new int[60];
            java.util.Arrays.fill(prompt, 5);
            Decoder.Output out = lm.generate(List.of(prompt, new int[] {1}), Settings.greedy(10))
                    .get(0);
            assertEquals(4, out.tokens().length);
            assertEquals(Decoder.Finish.LENGTH, out.finish());
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> lm.generate(List.of(new int[] {1}, new int[64]), Settings.greedy(1)));
            assertTrue(e.getMessage().startsWith("prompt 1 has 64 tokens"), e.getMessage());
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
