package ai.curator.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Generator.Settings;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.Stories260k;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.io.HfCheckpointWriter;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.lora.LoraConfig;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.Decoder;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.model.SequenceLoss.Example;
import ai.curator.lm.tokenize.Tokenizer;
import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tunes the real stories260K (llama2.c's 260K-parameter Llama; skipped when absent): LoRA on
 * all seven projection kinds for 30 updates lowers the loss of a few short stories, leaves every
 * base tensor bit-identical, and the saved PEFT adapter loaded into a fresh model generates the
 * same greedy text; full fine-tuning saved as a Hugging Face checkpoint loads back to the same
 * logits. Prints training tokens/s.
 */
class Stories260kTrainIT {
    static final String[][] STORIES = {
        {"Once upon a time,", " there was a red ball named Bob. Bob liked to roll down the hill."},
        {"One day, a little cat", " found a big box. The cat jumped in the box and was happy."},
        {"Tom had a toy car.", " He played with the car every day. He loved his car very much."},
        {"The sun was hot.", " Sue went to the pond to swim. The water was cool and nice."},
        {"Ben saw a bird.", " The bird was blue and small. It sang a happy song for Ben."},
        {"Mia and her dog", " ran in the park. They played with a stick until it was dark."},
        {"There was a big tree.", " A little bug lived in the tree. The bug had many friends."},
        {"Lily wanted a cake.", " Her mom made a big cake with red berries. Lily said thank you."}
    };

    @TempDir
    Path dir;

    static List<Trainer.Sample> data(Tokenizer tok) {
        List<Trainer.Sample> out = new ArrayList<>();
        for (int i = 0; i < STORIES.length; i++) {
            int[] p = tok.encode(STORIES[i][0]);
            int[] prompt = new int[p.length + 1];
            prompt[0] = tok.bos();
            System.arraycopy(p, 0, prompt, 1, p.length);
            out.add(Trainer.Sample.of("story" + i, new Example(prompt, tok.encode(STORIES[i][1]))));
        }
        return out;
    }

    static double meanLoss(CausalLm lm, List<Trainer.Sample> data) {
        return Arrays.stream(new SequenceLoss(lm, SequenceLoss.Options.defaults())
                        .losses(data.stream().map(Trainer.Sample::example).toList()))
                .average()
                .orElseThrow();
    }

    static Map<String, float[]> values(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void loraLowersTheLossTouchesOnlyTheAdapterAndRoundTripsThroughPeft() throws Exception {
        Checkpoint ckpt = CheckpointLoader.load(Stories260k.llama2c());
        List<Trainer.Sample> data = data(ckpt.tokenizer());
        List<int[]> prompts = data.stream().map(s -> s.example().prompt()).toList();
        List<Decoder.Output> tuned;
        try (CausalLm lm = CausalLm.load(ckpt);
                LoraAdapter a = LoraAdapter.create(
                        lm,
                        new LoraConfig(null, null, null, List.of("q", "k", "v", "o", "gate", "up", "down"), null))) {
            Map<String, float[]> base = values(lm.parameters());
            double before = meanLoss(lm, data);
            Trainer.Options o = new Trainer.Options(
                    3e-3, 4, null, 15, null, null, null, LrSchedule.COSINE, 0.1, null, null, null, null, null, null);
            Trainer.Result r =
                    Trainer.lora(lm, a, o).train(data, null, false, new TrainingProgress(System.out, false, null));
            double after = meanLoss(lm, data);
            System.out.printf(
                    "stories260K LoRA r16 all targets: %d updates, loss %.4f -> %.4f, %.0f training tokens/s%n",
                    r.steps(), before, after, r.tokensPerSecond());
            assertEquals(30, r.steps());
            assertTrue(after < before - 0.3, before + " -> " + after);
            Map<String, float[]> now = values(lm.parameters());
            base.forEach((k, v) -> assertArrayEquals(v, now.get(k), k + " is frozen"));
            a.save(dir.resolve("adapter"), "stories260K");
            tuned = lm.generate(prompts, Settings.greedy(40));
        }
        try (CausalLm lm = CausalLm.load(ckpt)) {
            List<Decoder.Output> plain = lm.generate(prompts, Settings.greedy(40));
            try (LoraAdapter a = LoraAdapter.load(lm, dir.resolve("adapter"))) {
                List<Decoder.Output> again = lm.generate(prompts, Settings.greedy(40));
                boolean differs = false;
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(tuned.get(i).tokens(), again.get(i).tokens(), "prompt " + i);
                    differs |=
                            !Arrays.equals(plain.get(i).tokens(), again.get(i).tokens());
                }
                assertTrue(differs, "the adapter changes some generation");
                System.out.println("tuned: " + again.get(0).text());
            }
        }
    }

    @Test
    void fullFineTuningSavesAHuggingFaceCheckpoint() throws Exception {
        Checkpoint ckpt = CheckpointLoader.load(Stories260k.llama2c());
        List<Trainer.Sample> data = data(ckpt.tokenizer());
        float[][] logits;
        try (CausalLm lm = CausalLm.load(ckpt)) {
            double before = meanLoss(lm, data);
            Trainer.Result r = Trainer.full(
                            lm,
                            new Trainer.Options(
                                    1e-3, 4, null, 10, null, null, null, null, null, null, null, null, null, null,
                                    null))
                    .train(data, null, false, null);
            double after = meanLoss(lm, data);
            System.out.printf(
                    "stories260K full: %d updates, loss %.4f -> %.4f, %.0f training tokens/s%n",
                    r.steps(), before, after, r.tokensPerSecond());
            assertTrue(after < before - 0.3, before + " -> " + after);
            logits = lm.logits(data.get(0).example().prompt());
            HfCheckpointWriter.write(dir.resolve("full"), lm.toCheckpoint());
        }
        try (CausalLm lm = CausalLm.load(CheckpointLoader.load(dir.resolve("full")));
                CausalLm original = CausalLm.load(ckpt)) {
            float[][] again = lm.logits(data.get(0).example().prompt());
            for (int t = 0; t < logits.length; t++) {
                assertArrayEquals(logits[t], again[t]);
            }
            assertFalse(
                    Arrays.equals(
                            logits[0], original.logits(data.get(0).example().prompt())[0]),
                    "the weights were trained");
        }
    }
}
