package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.io.AtomicFiles;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.HfTokenizer;
import ai.curator.lm.tokenize.SentencePieceBpeTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Writes a {@link Checkpoint} as a Hugging Face checkpoint directory that {@link
 * HfCheckpointLoader} and {@code transformers} read: {@code config.json}, {@code model.safetensors}
 * (F32, the names documented on {@link Checkpoint}), {@code tokenizer.json} (a copy of a Hugging
 * Face tokenizer's file, or a SentencePiece vocabulary converted by {@link
 * SentencePieceBpeTokenizer#toHfTokenizerJson()}), {@code tokenizer_config.json} (BOS/EOS and the
 * chat template) and {@code generation_config.json}. The directory is written under a temporary
 * name and renamed into place, so it is whole or absent.
 */
public final class HfCheckpointWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfCheckpointWriter() {}

    /** Writes {@code checkpoint} to {@code dir}, which must not exist or be empty. */
    public static void write(Path dir, Checkpoint checkpoint) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new DataException(
                            dir + ": exists and is not empty; a checkpoint is written to a new directory");
                }
            }
        } else if (Files.exists(dir)) {
            throw new DataException(dir + ": exists and is not a directory");
        }
        CheckpointLayout.check(checkpoint.source(), checkpoint.config(), checkpoint.tensors());
        String tokenizerJson = tokenizerJson(checkpoint);
        ModelConfig c = checkpoint.config();
        AtomicFiles.writeVia(dir, tmp -> {
            Files.createDirectories(tmp);
            Files.write(tmp.resolve("config.json"), pretty(config(c)));
            SafetensorsWriter.write(
                    tmp.resolve("model.safetensors"), checkpoint.tensors(), SafetensorsWriter.ptMetadata());
            Files.writeString(tmp.resolve("tokenizer.json"), tokenizerJson, StandardCharsets.UTF_8);
            ObjectNode tc = JSON.createObjectNode();
            tc.put("tokenizer_class", "PreTrainedTokenizerFast");
            tc.put("model_max_length", c.maxPositions());
            putToken(tc, "bos_token", checkpoint, c.bosId());
            putToken(tc, "eos_token", checkpoint, c.eosId());
            if (checkpoint.chatTemplate() != null) {
                tc.put("chat_template", checkpoint.chatTemplate());
            }
            Files.write(tmp.resolve("tokenizer_config.json"), pretty(tc));
            ObjectNode gen = JSON.createObjectNode();
            if (c.bosId() >= 0) {
                gen.put("bos_token_id", c.bosId());
            }
            if (c.eosId() >= 0) {
                gen.put("eos_token_id", c.eosId());
            }
            Files.write(tmp.resolve("generation_config.json"), pretty(gen));
        });
    }

    /** {@code config.json} of {@code c}, in {@code transformers}' keys. */
    static ObjectNode config(ModelConfig c) {
        ObjectNode n = JSON.createObjectNode();
        if (c.architecture() == ModelConfig.Architecture.LLAMA) {
            n.putArray("architectures").add("LlamaForCausalLM");
            n.put("model_type", "llama");
            n.put("vocab_size", c.vocabSize());
            n.put("hidden_size", c.hiddenSize());
            n.put("intermediate_size", c.intermediateSize());
            n.put("num_hidden_layers", c.numLayers());
            n.put("num_attention_heads", c.numHeads());
            n.put("num_key_value_heads", c.numKvHeads());
            n.put("max_position_embeddings", c.maxPositions());
            n.put("rms_norm_eps", c.normEps());
            n.put("rope_theta", c.ropeTheta());
            n.put("hidden_act", "silu");
            n.put("attention_bias", c.attentionBias());
            n.put("tie_word_embeddings", c.tieWordEmbeddings());
        } else {
            n.putArray("architectures").add("GPT2LMHeadModel");
            n.put("model_type", "gpt2");
            n.put("vocab_size", c.vocabSize());
            n.put("n_embd", c.hiddenSize());
            n.put("n_inner", c.intermediateSize());
            n.put("n_layer", c.numLayers());
            n.put("n_head", c.numHeads());
            n.put("n_positions", c.maxPositions());
            n.put("n_ctx", c.maxPositions());
            n.put("layer_norm_epsilon", c.normEps());
            n.put("activation_function", "gelu_new");
            n.put("tie_word_embeddings", c.tieWordEmbeddings());
        }
        if (c.bosId() >= 0) {
            n.put("bos_token_id", c.bosId());
        }
        if (c.eosId() >= 0) {
            n.put("eos_token_id", c.eosId());
        }
        n.put("torch_dtype", "float32");
        return n;
    }

    private static String tokenizerJson(Checkpoint checkpoint) throws IOException {
        if (checkpoint.tokenizer() instanceof HfTokenizer hf) {
            return Files.readString(hf.file(), StandardCharsets.UTF_8);
        }
        if (checkpoint.tokenizer() instanceof SentencePieceBpeTokenizer sp) {
            return sp.toHfTokenizerJson();
        }
        throw new DataException(checkpoint.source() + ": its tokenizer ("
                + checkpoint.tokenizer().getClass().getSimpleName() + ") cannot be written as tokenizer.json");
    }

    private static void putToken(ObjectNode tc, String key, Checkpoint checkpoint, int id) {
        if (id >= 0 && checkpoint.tokenizer() instanceof SentencePieceBpeTokenizer sp) {
            tc.put(key, sp.piece(id));
        }
    }

    private static byte[] pretty(ObjectNode n) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    }
}
