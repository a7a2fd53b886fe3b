package ai.curator.lm.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.io.SafetensorsReader;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.model.TinyModels;
import ai.curator.lm.model.Torch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {
    static final int[] TOKENS = {1, 10, 11, 12, 13, 5, 7, 30, 31};

    @TempDir
    Path dir;

    static LoraConfig all(int rank) {
        return new LoraConfig(rank, 8.0, 0.1, List.of("q", "k", "v", "o", "gate", "up", "down"), 7L);
    }

    /** Fills every B with seeded noise (so the adapter does something). */
    static void randomiseB(LoraAdapter a, long seed) {
        Random r = new Random(seed);
        for (Map.Entry<String, NDArray> e : a.parameters().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                NDArray p = e.getValue();
                float[] v = new float[Math.toIntExact(p.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.2 * r.nextGaussian());
                }
                try (NDManager m = p.getManager().newSubManager()) {
                    p.addi(m.create(v, p.getShape()).duplicate());
                }
            }
        }
    }

    @Test
    void zeroBLeavesOutputsUnchanged() {
        for (ModelConfig c : List.of(TinyModels.llamaConfig(2, 4, 2, false, true), TinyModels.gpt2Config(2))) {
            Checkpoint ckpt = TinyModels.random(c, 3);
            try (CausalLm lm = CausalLm.load(ckpt)) {
                float[][] before = lm.logits(TOKENS);
                List<String> targets = c.architecture() == ModelConfig.Architecture.GPT2
                        ? List.of("q", "o", "up", "down")
                        : all(4).targets();
                try (LoraAdapter a = LoraAdapter.create(lm, new LoraConfig(4, 8.0, 0.1, targets, 7L))) {
                    assertEquals(
                            c.numLayers() * (c.architecture() == ModelConfig.Architecture.GPT2 ? 4 : 7),
                            a.modules().size());
                    float[][] with = lm.logits(TOKENS);
                    for (int t = 0; t < TOKENS.length; t++) {
                        assertArrayEquals(before[t], with[t], c.architecture() + " position " + t);
                    }
                    randomiseB(a, 1);
                    assertFalse(
                            java.util.Arrays.equals(before[3], lm.logits(TOKENS)[3]), "a non-zero B changes outputs");
                }
                float[][] after = lm.logits(TOKENS);
                assertArrayEquals(before[2], after[2], "closing the adapter removes it");
            }
        }
    }

    @Test
    void peftFileNamesShapesAndConfig() throws Exception {
        try (CausalLm lm = CausalLm.load(TinyModels.random(TinyModels.llamaConfig(2, 4, 2, false, false), 3));
                LoraAdapter a = LoraAdapter.create(lm, LoraConfig.defaults())) {
            a.save(dir.resolve("llama"), "tiny/llama");
        }
        Map<String, Checkpoint.Tensor> t = SafetensorsReader.readAll(dir.resolve("llama/adapter_model.safetensors"));
        assertEquals(8, t.size());
        // hidden 32, 2 kv heads of 8 = 16 rows of v
        assertArrayEquals(
                new long[] {16, 32},
                t.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
                        .shape());
        assertArrayEquals(
                new long[] {32, 16},
                t.get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight")
                        .shape());
        assertArrayEquals(
                new long[] {16, 16},
                t.get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")
                        .shape());
        JsonNode cfg = new ObjectMapper()
                .readTree(dir.resolve("llama/adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(16, cfg.get("r").asInt());
        assertEquals(8.0, cfg.get("lora_alpha").asDouble());
        assertEquals(0.1, cfg.get("lora_dropout").asDouble());
        assertEquals("[\"q_proj\",\"v_proj\"]", cfg.get("target_modules").toString());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertEquals("tiny/llama", cfg.get("base_model_name_or_path").asText());
        assertFalse(cfg.get("fan_in_fan_out").asBoolean());

        try (CausalLm lm = CausalLm.load(TinyModels.random(TinyModels.gpt2Config(1), 3));
                LoraAdapter a =
                        LoraAdapter.create(lm, new LoraConfig(4, null, null, List.of("q", "o", "down"), null))) {
            a.save(dir.resolve("gpt2"), "tiny/gpt2");
        }
        t = SafetensorsReader.readAll(dir.resolve("gpt2/adapter_model.safetensors"));
        assertArrayEquals(
                new long[] {96, 4},
                t.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")
                        .shape());
        assertArrayEquals(
                new long[] {4, 128},
                t.get("base_model.model.transformer.h.0.mlp.c_proj.lora_A.weight")
                        .shape());
        cfg = new ObjectMapper()
                .readTree(dir.resolve("gpt2/adapter_config.json").toFile());
        assertTrue(cfg.get("fan_in_fan_out").asBoolean(), "GPT-2's Conv1D");
        assertEquals(
                "[\"c_attn\",\"attn.c_proj\",\"mlp.c_proj\"]",
                cfg.get("target_modules").toString());
    }

    @Test
    void savedAdapterLoadsBackIntoAFreshModel() throws Exception {
        ModelConfig c = TinyModels.llamaConfig(2, 4, 2, true, false);
        float[][] expected;
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 5));
                LoraAdapter a = LoraAdapter.create(lm, all(4))) {
            randomiseB(a, 2);
            expected = lm.logits(TOKENS);
            a.save(dir.resolve("ad"), "tiny");
            a.save(dir.resolve("ad"), "tiny"); // replacing an earlier adapter is fine
        }
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 5));
                LoraAdapter a = LoraAdapter.load(lm, dir.resolve("ad"))) {
            assertEquals(14, a.modules().size());
            assertEquals(2.0, a.scaling());
            float[][] got = lm.logits(TOKENS);
            for (int t = 0; t < TOKENS.length; t++) {
                assertArrayEquals(expected[t], got[t]);
            }
        }
    }

    @Test
    void gpt2AdaptersRoundTripAndRsLoraScalesByTheRootOfR() throws Exception {
        ModelConfig c = TinyModels.gpt2Config(2);
        float[][] expected;
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 5));
                LoraAdapter a =
                        LoraAdapter.create(lm, new LoraConfig(4, 8.0, 0.0, List.of("v", "o", "up", "down"), 3L))) {
            randomiseB(a, 2);
            expected = lm.logits(TOKENS);
            a.save(dir.resolve("gpt2"), "tiny-gpt2");
        }
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 5));
                LoraAdapter a = LoraAdapter.load(lm, dir.resolve("gpt2"))) {
            float[][] got = lm.logits(TOKENS);
            for (int t = 0; t < TOKENS.length; t++) {
                assertArrayEquals(expected[t], got[t]);
            }
        }
        Path cfg = dir.resolve("gpt2").resolve(LoraAdapter.CONFIG);
        java.nio.file.Files.writeString(
                cfg, java.nio.file.Files.readString(cfg).replace("\"use_rslora\" : false", "\"use_rslora\" : true"));
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 5));
                LoraAdapter a = LoraAdapter.load(lm, dir.resolve("gpt2"))) {
            assertEquals(8.0 / 2, a.scaling(), "rsLoRA: alpha / sqrt(4)");
            assertFalse(java.util.Arrays.equals(expected[2], lm.logits(TOKENS)[2]));
        }
    }

    @Test
    void anAdapterForAnotherBaseIsRejectedNamingTheTensor() throws Exception {
        try (CausalLm lm = CausalLm.load(TinyModels.random(TinyModels.llamaConfig(2, 4, 2, false, false), 3));
                LoraAdapter a = LoraAdapter.create(lm, LoraConfig.defaults())) {
            a.save(dir.resolve("ad"), "tiny");
        }
        ModelConfig wider = new ModelConfig(
                ModelConfig.Architecture.LLAMA, 48, 40, 56, 2, 4, 2, 64, 1e-5, 10000, false, false, 1, 2);
        try (CausalLm lm = CausalLm.load(TinyModels.random(wider, 3))) {
            DataException e = assertThrows(DataException.class, () -> LoraAdapter.load(lm, dir.resolve("ad")));
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' has shape [16, 32]"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("needs [16, 40]"), e.getMessage());
        }
        try (CausalLm lm = CausalLm.load(TinyModels.random(TinyModels.llamaConfig(1, 4, 2, false, false), 3))) {
            DataException e = assertThrows(DataException.class, () -> LoraAdapter.load(lm, dir.resolve("ad")));
            assertTrue(e.getMessage().contains("model.layers.1.self_attn"), e.getMessage());
            assertTrue(e.getMessage().contains("does not have"), e.getMessage());
        }
        assertThrows(DataException.class, () -> LoraAdapter.load(null, dir.resolve("nothing-here")));
    }

    @Test
    void perSampleGradientNormsReachTheAdapter() {
        try (CausalLm lm = CausalLm.load(TinyModels.random(TinyModels.llamaConfig(1, 4, 2, false, false), 3));
                LoraAdapter a = LoraAdapter.create(lm, all(4))) {
            randomiseB(a, 4);
            List<NDArray> params = new ArrayList<>(a.parameters().values());
            List<SequenceLoss.Example> ex = List.of(
                    new SequenceLoss.Example(new int[] {1, 10, 11}, new int[] {12, 13, 2}),
                    new SequenceLoss.Example(new int[] {1, 20}, new int[] {21, 22, 23, 24}));
            SequenceLoss loss = new SequenceLoss(lm, SequenceLoss.Options.defaults());
            double[] norms = loss.gradientNorms(ex, params);
            // by hand: the second example's gradient over A and B
            double sq = 0;
            try (NDManager m = lm.manager().newSubManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                gc.zeroGradients();
                gc.backward(loss.loss(m, List.of(ex.get(1))));
                for (NDArray p : params) {
                    for (float g : p.getGradient().toFloatArray()) {
                        sq += (double) g * g;
                    }
                }
            }
            assertTrue(norms[0] > 0 && norms[1] > 0);
            assertEquals(Math.sqrt(sq), norms[1], 1e-6 * Math.sqrt(sq));
        }
    }
}
