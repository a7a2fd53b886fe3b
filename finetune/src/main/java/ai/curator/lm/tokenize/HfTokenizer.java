package ai.curator.lm.tokenize;

import ai.curator.api.DataException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} (the Rust tokenizers library through DJL's binding):
 * encoding without special tokens (callers add BOS), decoding with special tokens skipped. The
 * native library is bundled in DJL's jar; nothing is downloaded.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final int vocabSize;
    private final int bos;
    private final int eos;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Path file, int vocabSize, int bos, int eos) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.vocabSize = vocabSize;
        this.bos = bos;
        this.eos = eos;
    }

    /**
     * Loads {@code tokenizerJson}.
     *
     * @param bos beginning-of-sequence id, or -1
     * @param eos end-of-sequence id, or -1
     */
    public static HfTokenizer load(Path tokenizerJson, int bos, int eos) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new DataException(tokenizerJson + ": no such tokenizer file");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new DataException(tokenizerJson + ": not valid JSON: " + e.getMessage());
        }
        int size = 0;
        for (JsonNode id : root.path("model").path("vocab")) {
            size = Math.max(size, id.asInt() + 1); // BPE and WordPiece: {token: id}
        }
        if (root.path("model").path("vocab").isArray()) {
            size = root.path("model").path("vocab").size(); // Unigram: [[token, score], ...]
        }
        for (JsonNode t : root.path("added_tokens")) {
            size = Math.max(size, t.path("id").asInt() + 1);
        }
        if (size == 0) {
            throw new DataException(tokenizerJson + ": no vocabulary under model.vocab");
        }
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            throw new DataException(tokenizerJson + ": the tokenizers library cannot read it: " + e.getMessage(), e);
        }
        return new HfTokenizer(t, tokenizerJson, size, bos, eos);
    }

    /** The id of token {@code content} among the added tokens and the model's vocabulary, or -1. */
    public static int idOf(Path tokenizerJson, String content) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        for (JsonNode t : root.path("added_tokens")) {
            if (content.equals(t.path("content").asText())) {
                return t.path("id").asInt();
            }
        }
        JsonNode id = root.path("model").path("vocab").path(content);
        return id.isInt() ? id.asInt() : -1;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public String tokenText(int id) {
        return id < 0 || id >= vocabSize ? null : tokenizer.decode(new long[] {id}, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    /** The {@code tokenizer.json} this was loaded from. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
