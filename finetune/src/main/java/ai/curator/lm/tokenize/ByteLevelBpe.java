package ai.curator.lm.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A trained byte-level BPE vocabulary: tokens by id and merges in the order they were learnt, saved as
 * a Hugging Face {@code tokenizer.json} (the {@code tokenizers} library's format, loaded by DJL's
 * {@code HuggingFaceTokenizer}, by {@code transformers}' {@code AutoTokenizer} and by {@link
 * ByteLevelBpeTokenizer}) with a {@code tokenizer_config.json} beside it.
 *
 * @param vocab token strings by id, in GPT-2's byte alphabet; the special tokens as written; distinct
 * @param merges the merges, highest priority first; each joins two tokens of {@code vocab} into a third
 * @param specialTokens tokens that are never split and that decoding skips; all in {@code vocab}
 * @param bosToken beginning of sequence, one of {@code specialTokens}, or null
 * @param eosToken end of sequence, one of {@code specialTokens}
 * @param padToken padding, one of {@code specialTokens}, or null
 * @param modelMaxLength {@code model_max_length} of {@code tokenizer_config.json}, >= 1
 */
public record ByteLevelBpe(
        List<String> vocab,
        List<Merge> merges,
        List<String> specialTokens,
        String bosToken,
        String eosToken,
        String padToken,
        int modelMaxLength) {

    /** File name of the tokenizer. */
    public static final String TOKENIZER_JSON = "tokenizer.json";

    /** File name of the configuration that {@code transformers} reads beside it. */
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

    /** One merge: {@code left} and {@code right} become {@code left + right}. */
    public record Merge(String left, String right) {
        public Merge {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }
    }

    public ByteLevelBpe {
        vocab = List.copyOf(vocab);
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
        Set<String> tokens = new HashSet<>(vocab);
        if (tokens.size() != vocab.size()) {
            throw new IllegalArgumentException("the vocabulary holds a token twice");
        }
        for (String s : specialTokens) {
            if (!tokens.contains(s)) {
                throw new IllegalArgumentException("special token '" + s + "' is not in the vocabulary");
            }
        }
        for (Merge m : merges) {
            if (!tokens.contains(m.left()) || !tokens.contains(m.right()) || !tokens.contains(m.left() + m.right())) {
                throw new IllegalArgumentException(
                        "merge '" + m.left() + " " + m.right() + "' names a token not in the vocabulary");
            }
        }
        Objects.requireNonNull(eosToken, "eosToken");
        for (String t : new String[] {bosToken, eosToken, padToken}) {
            if (t != null && !specialTokens.contains(t)) {
                throw new IllegalArgumentException("'" + t + "' is used as BOS/EOS/pad but is not a special token");
            }
        }
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("modelMaxLength must be >= 1, got " + modelMaxLength);
        }
    }

    /** Id of {@code token}, or -1 when it is not in the vocabulary (or is null). */
    public int id(String token) {
        return token == null ? -1 : vocab.indexOf(token);
    }

    /**
     * The {@code tokenizer.json} text, UTF-8. Merges are written as {@code "left right"} strings, the
     * form every version of the {@code tokenizers} library reads (byte-level tokens hold no space).
     */
    public byte[] tokenizerJson() {
        ObjectMapper json = mapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String s : specialTokens) {
            ObjectNode t = added.addObject();
            t.put("id", vocab.indexOf(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        byteLevel(root.putObject("pre_tokenizer"), false, true);
        byteLevel(root.putObject("post_processor"), false, false);
        byteLevel(root.putObject("decoder"), true, true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        ArrayNode m = model.putArray("merges");
        for (Merge merge : merges) {
            m.add(merge.left() + " " + merge.right());
        }
        return write(json, root);
    }

    /** The {@code tokenizer_config.json} text, UTF-8, for {@code transformers}' {@code PreTrainedTokenizerFast}. */
    public byte[] tokenizerConfigJson() {
        ObjectMapper json = mapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        for (String s : specialTokens) {
            ObjectNode t = decoder.putObject(Integer.toString(vocab.indexOf(s)));
            t.put("content", s);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        }
        List<String> extra = specialTokens.stream()
                .filter(s -> !s.equals(bosToken) && !s.equals(eosToken) && !s.equals(padToken))
                .toList();
        if (!extra.isEmpty()) {
            ArrayNode a = root.putArray("additional_special_tokens");
            extra.forEach(a::add);
        }
        if (bosToken != null) {
            root.put("bos_token", bosToken);
        }
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", eosToken);
        root.put("model_max_length", modelMaxLength);
        if (padToken != null) {
            root.put("pad_token", padToken);
        }
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        return write(json, root);
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if
     * absent), each to a temporary file first and then renamed over the old one.
     */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve(TOKENIZER_JSON), tokenizerJson());
            writeAtomically(dir.resolve(TOKENIZER_CONFIG_JSON), tokenizerConfigJson());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the tokenizer in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static void byteLevel(ObjectNode node, boolean addPrefixSpace, boolean trimOffsets) {
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static byte[] write(ObjectMapper json, ObjectNode root) {
        try {
            byte[] body = json.writeValueAsBytes(root);
            byte[] out = new byte[body.length + 1];
            System.arraycopy(body, 0, out, 0, body.length);
            out[body.length] = '\n';
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
