package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.Checkpoint.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hugging Face directory's variants (half precision, shards, GPT-2 names) and its bad-input messages. */
class HfCheckpointLoaderTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A written checkpoint directory of the tiny tied llama. */
    private Path written(String name) throws IOException {
        Path out = dir.resolve(name);
        HfCheckpointWriter.write(out, TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 21));
        return out;
    }

    @Test
    void readsFp16AndBf16Weights() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 21);
        for (String dtype : new String[] {"F16", "BF16"}) {
            Path out = written("half-" + dtype);
            writeHalf(out.resolve("model.safetensors"), c.tensors(), dtype);
            Checkpoint back = HfCheckpointLoader.load(out);
            for (var e : c.tensors().entrySet()) {
                float[] want = e.getValue().data().clone();
                for (int i = 0; i < want.length; i++) {
                    want[i] = dtype.equals("F16")
                            ? HalfFloats.halfToFloat(HalfFloats.floatToHalf(want[i]))
                            : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[i]));
                }
                assertArrayEquals(want, back.tensor(e.getKey()).data(), dtype + " " + e.getKey());
            }
        }
    }

    @Test
    void readsShardedCheckpoints() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(false, false), 21);
        Path out = dir.resolve("sharded");
        HfCheckpointWriter.write(out, c);
        Files.delete(out.resolve("model.safetensors"));
        Map<String, Tensor> a = new TreeMap<>();
        Map<String, Tensor> b = new TreeMap<>();
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        for (var e : c.tensors().entrySet()) {
            boolean first = e.getKey().contains("layers.0") || e.getKey().startsWith("model.embed");
            (first ? a : b).put(e.getKey(), e.getValue());
            map.put(e.getKey(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        SafetensorsWriter.write(out.resolve("model-00001-of-00002.safetensors"), a, Map.of());
        SafetensorsWriter.write(out.resolve("model-00002-of-00002.safetensors"), b, Map.of());
        Files.write(out.resolve("model.safetensors.index.json"), JSON.writeValueAsBytes(index));
        CheckpointLoaderTest.assertSameTensors(c, HfCheckpointLoader.load(out));

        Files.delete(out.resolve("model-00002-of-00002.safetensors"));
        DataException e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(
                e.getMessage().contains("model-00002-of-00002.safetensors")
                        && e.getMessage().contains("missing"),
                e.getMessage());
    }

    /** GPT-2 files from the original conversion name tensors "h.0..." and carry attention-mask buffers. */
    @Test
    void normalisesGpt2NamesAndDropsBuffers() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.gpt2Config(), 8);
        Path out = dir.resolve("gpt2");
        HfCheckpointWriter.write(out, c);
        Map<String, Tensor> bare = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> bare.put(k.substring("transformer.".length()), v));
        bare.put("h.0.attn.bias", new Tensor(new long[] {1, 1, 16, 16}, new float[256]));
        bare.put("h.0.attn.masked_bias", new Tensor(new long[0], new float[] {-1e4f}));
        bare.put("lm_head.weight", c.tensor("transformer.wte.weight"));
        SafetensorsWriter.write(out.resolve("model.safetensors"), bare, Map.of());
        Checkpoint back = HfCheckpointLoader.load(out);
        CheckpointLoaderTest.assertSameTensors(c, back);
        assertFalse(back.tensors().containsKey("lm_head.weight"));
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
            Path out = written("missing-" + file);
            Files.delete(out.resolve(file));
            DataException e = assertThrows(DataException.class, () -> CheckpointLoader.load(out));
            assertTrue(e.getMessage().contains(file) && e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void unsupportedModelTypeListsTheSupportedOnes() throws IOException {
        Path out = written("bert");
        ObjectNode cfg = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        cfg.put("model_type", "bert");
        Files.write(out.resolve("config.json"), JSON.writeValueAsBytes(cfg));
        DataException e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(
                e.getMessage().contains("'bert'") && e.getMessage().contains("llama, mistral, qwen2, gpt2"),
                e.getMessage());

        cfg.put("model_type", "llama");
        cfg.putObject("rope_scaling").put("rope_type", "llama3");
        Files.write(out.resolve("config.json"), JSON.writeValueAsBytes(cfg));
        e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(e.getMessage().contains("rope_scaling"), e.getMessage());
    }

    @Test
    void configAndWeightsThatDisagreeNameTheTensor() throws IOException {
        Path out = written("disagree");
        ObjectNode cfg = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        cfg.put("num_hidden_layers", 3);
        Files.write(out.resolve("config.json"), JSON.writeValueAsBytes(cfg));
        DataException e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(e.getMessage().contains("'model.layers.2.input_layernorm.weight' is missing"), e.getMessage());

        cfg.put("num_hidden_layers", 1);
        Files.write(out.resolve("config.json"), JSON.writeValueAsBytes(cfg));
        e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(
                e.getMessage().contains("unexpected tensors") && e.getMessage().contains("model.layers.1."),
                e.getMessage());

        cfg.put("num_hidden_layers", 2);
        cfg.put("intermediate_size", 13);
        Files.write(out.resolve("config.json"), JSON.writeValueAsBytes(cfg));
        e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(e.getMessage().contains("gate_proj.weight' has shape [12, 8]"), e.getMessage());
    }

    @Test
    void truncatedWeightsNameFileAndTensor() throws IOException {
        Path out = written("truncated");
        Path st = out.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(all, all.length - 100));
        DataException e = assertThrows(DataException.class, () -> HfCheckpointLoader.load(out));
        assertTrue(e.getMessage().contains(st.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void writerRefusesANonEmptyDirectoryAndLeavesItAlone() throws IOException {
        Path out = written("existing");
        byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
        Checkpoint other = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 99);
        DataException e = assertThrows(DataException.class, () -> HfCheckpointWriter.write(out, other));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")));
        assertEquals(List.of("existing"), listNames(dir));
    }

    @Test
    void chatTemplateAndSpecialTokensComeFromTokenizerConfig() throws IOException {
        Path out = written("template");
        ObjectNode cfg = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        cfg.remove("bos_token_id");
        cfg.remove("eos_token_id");
        Files.write(out.resolve("config.json"), JSON.writeValueAsBytes(cfg));
        Files.delete(out.resolve("generation_config.json"));
        ObjectNode tc =
                (ObjectNode) JSON.readTree(out.resolve("tokenizer_config.json").toFile());
        tc.putArray("chat_template").addObject().put("name", "default").put("template", "{{ bos_token }}");
        Files.write(out.resolve("tokenizer_config.json"), JSON.writeValueAsBytes(tc));
        Checkpoint back = HfCheckpointLoader.load(out);
        assertEquals("{{ bos_token }}", back.chatTemplate());
        assertEquals(1, back.config().bosId()); // "<s>" looked up in tokenizer.json
        assertEquals(2, back.config().eosId());
        assertEquals(2, back.tokenizer().eos());
    }

    private static List<String> listNames(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Rewrites {@code file} with every tensor in F16 or BF16 (round to nearest even). */
    static void writeHalf(Path file, Map<String, Tensor> tensors, String dtype) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        long off = 0;
        for (var e : sorted.entrySet()) {
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", dtype);
            var shape = n.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            n.putArray("data_offsets").add(off).add(off + 2L * e.getValue().data().length);
            off += 2L * e.getValue().data().length;
        }
        byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((int) (8 + h.length + off)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (Tensor t : sorted.values()) {
            for (float v : t.data()) {
                b.putShort(dtype.equals("F16") ? HalfFloats.floatToHalf(v) : HalfFloats.floatToBf16(v));
            }
        }
        Files.write(file, b.array());
    }
}
