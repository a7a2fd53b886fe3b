package ai.curator.lm.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.lm.Stories260k;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.model.CausalLm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A PEFT adapter on the real stories260K against an independent reference: {@code
 * src/test/python/lora_reference.py} (numpy, no shared code) reads the committed {@code
 * golden/lora-stories260k/adapter_model.safetensors} with its own safetensors parser, merges
 * {@code W + (α/r)·B·A} into stories260K's weights as PEFT's merge does, and writes the logits of
 * {@code stories260k.json}'s sequence to {@code golden/lora-stories260k.json}. Here the Java model
 * with the adapter attached must give the same logits (1e-4), and the adapter this code writes
 * today must be byte-identical to the committed one (rank 4, α 8, all seven targets, A from seed 7,
 * B N(0, 0.05²) from seed 11).
 */
class Stories260kLoraGoldenIT {
    static final Path FRESH = Path.of("target", "lora-golden", "adapter");

    @Test
    void adapterLogitsMatchTheNumpyReference() throws Exception {
        var ckpt = CheckpointLoader.load(Stories260k.llama2c());
        try (CausalLm lm = CausalLm.load(ckpt);
                LoraAdapter a = LoraAdapter.create(
                        lm, new LoraConfig(4, 8.0, 0.0, List.of("q", "k", "v", "o", "gate", "up", "down"), 7L))) {
            setB(a);
            Files.createDirectories(FRESH.getParent());
            a.save(FRESH, "stories260K");
        }
        Path committed = Path.of("src", "test", "resources", "golden", "lora-stories260k");
        assertArrayEquals(
                Files.readAllBytes(committed.resolve(LoraAdapter.WEIGHTS)),
                Files.readAllBytes(FRESH.resolve(LoraAdapter.WEIGHTS)),
                "the adapter written today differs from the committed golden (" + FRESH.toAbsolutePath() + ")");
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/lora-stories260k.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        int[] ids = Stories260k.ints(golden.get("logits_ids"));
        try (CausalLm lm = CausalLm.load(ckpt);
                LoraAdapter a = LoraAdapter.load(lm, committed)) {
            float[][] got = lm.logits(ids);
            double worst = 0;
            double moved = 0;
            float[][] plain;
            for (int t = 0; t < ids.length; t++) {
                JsonNode row = golden.get("logits").get(t);
                assertEquals(got[t].length, row.size());
                for (int v = 0; v < row.size(); v++) {
                    worst = Math.max(worst, Math.abs(row.get(v).asDouble() - got[t][v]));
                }
            }
            a.close();
            plain = lm.logits(ids);
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < plain[t].length; v++) {
                    moved = Math.max(moved, Math.abs(plain[t][v] - got[t][v]));
                }
            }
            System.out.printf(
                    "stories260K + LoRA: max |logit - numpy reference| = %.2e (the adapter moves logits by up to %.3f)%n",
                    worst, moved);
            assertTrue(moved > 0.1, "the adapter matters: " + moved);
            assertTrue(worst < 1e-4, "max |Δ logit| " + worst);
        }
    }

    static void setB(LoraAdapter a) {
        java.util.Random r = new java.util.Random(11);
        a.parameters().forEach((name, p) -> {
            if (name.endsWith("lora_B.weight")) {
                float[] v = new float[Math.toIntExact(p.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.05 * r.nextGaussian());
                }
                try (var m = p.getManager().newSubManager()) {
                    p.addi(m.create(v, p.getShape()).duplicate());
                }
            }
        });
    }
}
