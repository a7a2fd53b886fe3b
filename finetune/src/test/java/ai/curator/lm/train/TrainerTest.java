package ai.curator.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.lora.LoraConfig;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.model.SequenceLoss.Example;
import ai.curator.lm.model.TinyModels;
import ai.curator.lm.train.Trainer.Options;
import ai.curator.lm.train.Trainer.Sample;
import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final ModelConfig LLAMA = TinyModels.llamaConfig(2, 4, 2, false, false);
    static final TinyModels.CharTokenizer TOK = new TinyModels.CharTokenizer(48);

    @TempDir
    Path dir;

    static Example ex(String prompt, String response) {
        int[] p = TOK.encode(prompt);
        int[] withBos = new int[p.length + 1];
        withBos[0] = 1;
        System.arraycopy(p, 0, withBos, 1, p.length);
        int[] r = TOK.encode(response);
        int[] withEos = Arrays.copyOf(r, r.length + 1);
        withEos[r.length] = 2;
        return new Example(withBos, withEos);
    }

    static List<Sample> data() {
        String[][] qa = {
            {"two plus two", "four"}, {"one plus one", "two"}, {"the sky is", "blue"}, {"grass is", "green"},
            {"snow is", "white"}, {"night is", "dark"}, {"fire is", "hot"}, {"ice is", "cold"},
            {"three plus one", "four"}, {"the sun is", "bright"}
        };
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < qa.length; i++) {
            out.add(Sample.of("s" + i, ex(qa[i][0] + "?", " " + qa[i][1] + ".")));
        }
        return out;
    }

    static Options opts(double lr, int batch, int micro, Integer maxSteps, int every) {
        return new Options(
                lr, batch, micro, 3, maxSteps, null, null, LrSchedule.COSINE, 0.1, null, null, null, 11L, every, null);
    }

    static Map<String, float[]> values(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    static void assertSame(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
    }

    /** Trains a fresh adapter (r 4, all targets, dropout 0.1) on a fresh tiny Llama; returns the adapter's tensors. */
    static Map<String, float[]> trainLora(List<Sample> data, Options o, Path ckpt, boolean resume) throws Exception {
        return trainLora(data, o, ckpt, resume, 0.1);
    }

    static Map<String, float[]> trainLora(List<Sample> data, Options o, Path ckpt, boolean resume, double dropout)
            throws Exception {
        try (CausalLm lm = CausalLm.load(TinyModels.random(LLAMA, 3));
                LoraAdapter a = LoraAdapter.create(
                        lm, new LoraConfig(4, 8.0, dropout, List.of("q", "k", "v", "o", "gate", "up", "down"), 5L))) {
            Trainer.lora(lm, a, o).train(data, ckpt, resume, null);
            return values(a.parameters());
        }
    }

    @Test
    void loraLowersTheLossAndChangesOnlyTheAdapter() throws Exception {
        List<Sample> data = data();
        List<Example> ex = data.stream().map(Sample::example).toList();
        try (CausalLm lm = CausalLm.load(TinyModels.random(LLAMA, 3));
                LoraAdapter a = LoraAdapter.create(lm, new LoraConfig(8, 16.0, 0.0, null, 5L))) {
            Map<String, float[]> base = values(lm.parameters());
            SequenceLoss sl = new SequenceLoss(lm, SequenceLoss.Options.defaults());
            double before = Arrays.stream(sl.losses(ex)).average().orElseThrow();
            List<Trainer.StepInfo> seen = new ArrayList<>();
            Trainer.Result r = Trainer.lora(
                            lm,
                            a,
                            new Options(3e-2, 5, 2, 15, null, null, null, null, null, null, null, null, 1L, null, null))
                    .train(data, null, false, seen::add);
            double after = Arrays.stream(sl.losses(ex)).average().orElseThrow();
            assertEquals(30, r.steps());
            assertEquals(30, seen.size());
            assertTrue(seen.get(29).tokensPerSecond() > 0);
            assertEquals(0.0, seen.get(29).etaSeconds());
            assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
            assertTrue(r.losses()[29] < r.losses()[0], "training objective falls");
            assertSame(base, values(lm.parameters()));
            for (var e : a.parameters().entrySet()) {
                if (e.getKey().endsWith("lora_B.weight")) {
                    assertTrue(
                            Arrays.stream(toDoubles(e.getValue().toFloatArray()))
                                    .anyMatch(v -> v != 0),
                            e.getKey());
                }
            }
        }
    }

    @Test
    void loraOnGpt2sFusedConv1dProjections() throws Exception {
        List<Sample> data = data();
        List<Example> ex = data.stream().map(Sample::example).toList();
        try (CausalLm lm = CausalLm.load(TinyModels.random(TinyModels.gpt2Config(2), 3));
                LoraAdapter a =
                        LoraAdapter.create(lm, new LoraConfig(8, 16.0, 0.0, List.of("q", "o", "up", "down"), 5L))) {
            Map<String, float[]> base = values(lm.parameters());
            SequenceLoss sl = new SequenceLoss(lm, SequenceLoss.Options.defaults());
            double before = Arrays.stream(sl.losses(ex)).average().orElseThrow();
            Trainer.lora(
                            lm,
                            a,
                            new Options(
                                    3e-2, 5, null, 10, null, null, null, null, null, null, null, null, 1L, null, null))
                    .train(data, null, false, null);
            double after = Arrays.stream(sl.losses(ex)).average().orElseThrow();
            assertTrue(after < 0.7 * before, "loss " + before + " -> " + after);
            assertSame(base, values(lm.parameters()));
        }
    }

    @Test
    void samplesLongerThanTheContextAreCutToIt() throws Exception {
        // the tiny Llama's context is 64 positions: 65 tokens fit (the last is only a target)
        StringBuilder longAnswer = new StringBuilder(" ");
        while (longAnswer.length() < 80) {
            longAnswer.append("abc ");
        }
        List<Sample> data = List.of(Sample.of("long", ex("q?", longAnswer.toString())));
        try (CausalLm lm = CausalLm.load(TinyModels.random(LLAMA, 3));
                LoraAdapter a = LoraAdapter.create(lm, LoraConfig.defaults())) {
            Trainer.Result r = Trainer.lora(lm, a, Options.defaults()).train(data, null, false, null);
            assertEquals(1, r.truncated());
            assertEquals(65, r.tokens());
            Options strict = new Options(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Trainer.Overflow.ERROR,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
            DataException e = assertThrows(
                    DataException.class, () -> Trainer.lora(lm, a, strict).train(data, null, false, null));
            assertTrue(e.getMessage().contains("what the model's context of 64 takes"), e.getMessage());
        }
    }

    @Test
    void sameSeedSameAdapterBitForBit() throws Exception {
        Options o = opts(1e-2, 4, 2, null, 0);
        assertSame(trainLora(data(), o, null, false), trainLora(data(), o, null, false));
    }

    @Test
    void aSampleOfWeightZeroHasNoEffect() throws Exception {
        Options o = opts(1e-2, 3, 2, null, 0);
        List<Sample> with = new ArrayList<>(data());
        with.add(3, new Sample("zero", ex("nothing to see?", " nonsense."), 0.0, 1));
        with.add(new Sample("never", ex("not picked?", " no."), 1.5, 0));
        assertSame(trainLora(data(), o, null, false), trainLora(with, o, null, false));
    }

    @Test
    void weightTwoIsTheSampleTwice() throws Exception {
        // one full-batch update; a large ε makes AdamW's first step proportional to the gradient, so
        // any difference in the objective's scale or weighting would show
        Options o = new Options(
                1.0,
                100,
                100,
                1,
                null,
                null,
                null,
                LrSchedule.CONSTANT,
                null,
                0,
                new AdamW(0.9, 0.999, 10, 0),
                0.0,
                3L,
                null,
                null);
        List<Sample> base = data().subList(0, 5);
        List<Sample> weighted = new ArrayList<>(base);
        weighted.set(2, new Sample("w2", base.get(2).example(), 2.0, 1));
        List<Sample> counted = new ArrayList<>(base);
        counted.set(2, new Sample("c2", base.get(2).example(), 1.0, 2));
        List<Sample> twice = new ArrayList<>(base);
        twice.add(base.get(2));
        // without dropout: the masks depend on the batch's rows
        Map<String, float[]> w = trainLora(weighted, o, null, false, 0);
        Map<String, float[]> c = trainLora(counted, o, null, false, 0);
        Map<String, float[]> t = trainLora(twice, o, null, false, 0);
        Map<String, float[]> once = trainLora(base, o, null, false, 0);
        assertSame(w, c);
        double scale = 0;
        double diff = 0;
        double control = 0;
        for (String k : w.keySet()) {
            for (int i = 0; i < w.get(k).length; i++) {
                scale = Math.max(scale, Math.abs(t.get(k)[i]) + 1e-30);
                diff = Math.max(diff, Math.abs(w.get(k)[i] - t.get(k)[i]));
                control = Math.max(control, Math.abs(once.get(k)[i] - t.get(k)[i]));
            }
        }
        double bScale = maxAbsB(t);
        assertTrue(bScale > 1e-4, "the update moved B: " + bScale);
        assertTrue(diff < 1e-5 * bScale + 1e-9, "weight 2 vs twice: max diff " + diff + " of " + bScale);
        assertTrue(control > 1e-2 * bScale, "the control (weight 1) differs: " + control);
    }

    static double maxAbsB(Map<String, float[]> m) {
        double s = 0;
        for (var e : m.entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                for (float v : e.getValue()) {
                    s = Math.max(s, Math.abs(v));
                }
            }
        }
        return s;
    }

    @Test
    void gradientAccumulationGivesTheUpdateOfTheWholeBatch() throws Exception {
        Options whole = new Options(
                1.0, 10, 10, 1, 1, null, null, null, null, 0, new AdamW(0.9, 0.999, 10, 0), 0.0, 3L, null, null);
        Options accumulated = new Options(
                1.0, 10, 3, 1, 1, null, null, null, null, 0, new AdamW(0.9, 0.999, 10, 0), 0.0, 3L, null, null);
        Map<String, float[]> a = trainLora(data(), whole, null, false, 0);
        Map<String, float[]> b = trainLora(data(), accumulated, null, false, 0);
        double scale = maxAbsB(a);
        assertTrue(scale > 1e-4, "the update moved B: " + scale);
        for (String k : a.keySet()) {
            for (int i = 0; i < a.get(k).length; i++) {
                assertEquals(a.get(k)[i], b.get(k)[i], 1e-5 * scale + 1e-9, k);
            }
        }
    }

    @Test
    void resumeFromACheckpointGivesTheUninterruptedResult() throws Exception {
        Options o = opts(1e-2, 4, 2, null, 2);
        Map<String, float[]> reference = trainLora(data(), o, null, false);
        Path ck = dir.resolve("ck");
        // interrupt after update 5 (checkpoints at 2 and 4)
        try (CausalLm lm = CausalLm.load(TinyModels.random(LLAMA, 3));
                LoraAdapter a = LoraAdapter.create(
                        lm, new LoraConfig(4, 8.0, 0.1, List.of("q", "k", "v", "o", "gate", "up", "down"), 5L))) {
            assertThrows(
                    IllegalStateException.class, () -> Trainer.lora(lm, a, o).train(data(), ck, true, s -> {
                        if (s.step() == 5) {
                            throw new IllegalStateException("stop");
                        }
                    }));
        }
        assertTrue(ck.resolve("checkpoint-00000004").toFile().isDirectory());
        assertSame(reference, trainLora(data(), o, ck, true));
        // a checkpoint of other data is refused
        List<Sample> other = new ArrayList<>(data());
        other.remove(0);
        DataException e = assertThrows(DataException.class, () -> trainLora(other, o, ck, true));
        assertTrue(e.getMessage().contains("other training data or options"), e.getMessage());
    }

    @Test
    void fullFineTuningTrainsEveryWeight() throws Exception {
        List<Sample> data = data();
        List<Example> ex = data.stream().map(Sample::example).toList();
        Checkpoint ckpt = TinyModels.random(TinyModels.gpt2Config(1), 4);
        try (CausalLm lm = CausalLm.load(ckpt)) {
            Map<String, float[]> before = values(lm.parameters());
            SequenceLoss sl = new SequenceLoss(lm, SequenceLoss.Options.defaults());
            double l0 = Arrays.stream(sl.losses(ex)).average().orElseThrow();
            Trainer.full(
                            lm,
                            new Options(
                                    3e-3, 5, null, 10, null, null, null, null, null, null, null, null, 1L, null, null))
                    .train(data, null, false, null);
            double l1 = Arrays.stream(sl.losses(ex)).average().orElseThrow();
            assertTrue(l1 < 0.7 * l0, l0 + " -> " + l1);
            Map<String, float[]> after = values(lm.parameters());
            for (String k : before.keySet()) {
                assertFalse(Arrays.equals(before.get(k), after.get(k)), k + " changed");
            }
            float[][] logits = lm.logits(ex.get(0).prompt());
            try (CausalLm copy = CausalLm.load(lm.toCheckpoint())) {
                float[][] again = copy.logits(ex.get(0).prompt());
                for (int t = 0; t < logits.length; t++) {
                    assertArrayEquals(logits[t], again[t]);
                }
            }
        }
    }

    @Test
    void pretrainingFromARandomInitLearnsAndResumes() throws Exception {
        List<Sample> data = data();
        List<Example> ex = data.stream().map(Sample::example).toList();
        Options o =
                new Options(3e-3, 5, null, 8, null, null, null, LrSchedule.COSINE, null, 2, null, null, 1L, 4, null);
        Map<String, float[]> reference;
        for (ModelConfig c : List.of(LLAMA, TinyModels.gpt2Config(2))) {
            Checkpoint init = RandomInit.checkpoint(c, TOK, 9);
            try (CausalLm lm = CausalLm.load(init)) {
                SequenceLoss sl = new SequenceLoss(lm, SequenceLoss.Options.defaults());
                double l0 = Arrays.stream(sl.losses(ex)).average().orElseThrow();
                assertEquals(Math.log(48), l0, 0.1, "a fresh model is near uniform");
                Trainer.full(lm, o).train(data, null, false, null);
                double l1 = Arrays.stream(sl.losses(ex)).average().orElseThrow();
                assertTrue(l1 < l0 - 0.5, c.architecture() + ": " + l0 + " -> " + l1);
                reference = values(lm.parameters());
            }
            // full-model checkpoints resume bit-identically too
            Path ck = dir.resolve("full-" + c.architecture());
            try (CausalLm lm = CausalLm.load(init)) {
                assertThrows(
                        IllegalStateException.class, () -> Trainer.full(lm, o).train(data, ck, true, s -> {
                            if (s.step() == 10) {
                                throw new IllegalStateException("stop");
                            }
                        }));
            }
            try (CausalLm lm = CausalLm.load(init)) {
                Trainer.Result r = Trainer.full(lm, o).train(data, ck, true, null);
                assertEquals(8, r.resumedFrom());
                assertSame(reference, values(lm.parameters()));
            }
        }
    }

    @Test
    void badSamplesAreNamed() {
        List<Sample> data = new ArrayList<>(data());
        data.add(new Sample("neg", ex("a?", " b."), -1, 1));
        DataException e = assertThrows(DataException.class, () -> trainLora(data, opts(1e-2, 4, 2, 1, 0), null, false));
        assertTrue(e.getMessage().contains("sample neg"), e.getMessage());
        List<Sample> longOnes = List.of(Sample.of("long", ex("a long question?", " a long answer.")));
        Options strict = new Options(
                1e-2, 4, null, 1, null, 10, Trainer.Overflow.ERROR, null, null, null, null, null, null, null, null);
        e = assertThrows(DataException.class, () -> trainLora(longOnes, strict, null, false));
        assertTrue(e.getMessage().contains("sample long has 33 tokens"), e.getMessage());
    }

    @Test
    void overlongSamplesAreTruncatedAndCounted() throws Exception {
        try (CausalLm lm = CausalLm.load(TinyModels.random(LLAMA, 3));
                LoraAdapter a = LoraAdapter.create(lm, LoraConfig.defaults())) {
            Trainer.Result r = Trainer.lora(
                            lm,
                            a,
                            new Options(
                                    1e-2, 4, null, 1, null, 40, null, null, null, null, null, null, null, null, null))
                    .train(data(), null, false, null);
            assertEquals(10, r.samples());
            assertEquals(0, r.truncated());
            Options o = new Options(1e-2, 4, null, 1, null, 20, null, null, null, null, null, null, null, null, null);
            r = Trainer.lora(lm, a, o)
                    .train(List.of(Sample.of("long", ex("a long question?", " a long answer."))), null, false, null);
            assertEquals(1, r.truncated());
        }
    }

    @Test
    void schedulesFollowTransformers() {
        assertEquals(0.0, LrSchedule.LINEAR.factor(0, 10, 110));
        assertEquals(0.5, LrSchedule.LINEAR.factor(5, 10, 110));
        assertEquals(1.0, LrSchedule.LINEAR.factor(10, 10, 110));
        assertEquals(0.5, LrSchedule.LINEAR.factor(60, 10, 110));
        assertEquals(0.5, LrSchedule.COSINE.factor(60, 10, 110), 1e-12);
        assertEquals(1.0, LrSchedule.COSINE.factor(10, 10, 110), 1e-12);
        assertEquals(1.0, LrSchedule.CONSTANT.factor(100, 10, 110));
        assertEquals(1.0, LrSchedule.LINEAR.factor(0, 0, 10));
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * A micro-batch whose logits alone need about 1 TiB: PyTorch's allocator refuses it at once (the
     * kernel's default overcommit heuristic refuses a request larger than RAM + swap, so nothing is
     * touched), and the trainer says which setting to lower instead of passing the engine's error on.
     */
    @Test
    void aMicroBatchThatDoesNotFitInMemoryIsReportedWithASmallerOneToTry() throws Exception {
        String overcommit = java.nio.file.Files.readString(Path.of("/proc/sys/vm/overcommit_memory"))
                .trim();
        org.junit.jupiter.api.Assumptions.assumeFalse(
                overcommit.equals("1"), "vm.overcommit_memory is 1: a 1 TiB allocation would be granted and touched");
        ModelConfig wide = new ModelConfig(
                ModelConfig.Architecture.LLAMA, 1 << 20, 8, 16, 1, 2, 2, 64, 1e-5, 10000, true, false, 1, 2);
        List<Sample> data = new ArrayList<>();
        int[] prompt = {1, 5, 6, 7};
        int[] response = new int[56];
        Arrays.fill(response, 9);
        for (int i = 0; i < 4096; i++) {
            data.add(Sample.of("s" + i, new Example(prompt, response)));
        }
        try (CausalLm lm = CausalLm.load(TinyModels.random(wide, 3));
                LoraAdapter a = LoraAdapter.create(lm, new LoraConfig(2, 4.0, 0.0, List.of("q"), 5L))) {
            DataException e = assertThrows(DataException.class, () -> Trainer.lora(lm, a, opts(1e-3, 4096, 4096, 1, 0))
                    .train(data, null, false, null));
            assertTrue(
                    e.getMessage()
                            .startsWith("a micro-batch of 4096 samples (up to 60 tokens) does not fit in memory ("),
                    e.getMessage());
            assertTrue(e.getMessage().contains("set micro_batch_size to 2048 or lower"), e.getMessage());
        }
    }
}
