package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a checkpoint in whichever of the three formats {@code path} is: a directory is a Hugging
 * Face checkpoint ({@link HfCheckpointLoader}), a {@code .gguf} file a GGUF file ({@link
 * GgufCheckpointLoader}), a {@code .bin} file a llama2.c checkpoint ({@link Llama2cLoader}, its
 * tokenizer beside it or given). Bad input is a {@link DataException} naming the file.
 */
public final class CheckpointLoader {
    private CheckpointLoader() {}

    /** Loads {@code path}, finding a llama2.c checkpoint's tokenizer beside it. */
    public static Checkpoint load(Path path) throws IOException {
        return load(path, null);
    }

    /**
     * Loads {@code path}.
     *
     * @param tokenizer a llama2.c tokenizer file, or null to look beside the checkpoint; not
     *     allowed for the other formats, which carry their tokenizer
     */
    public static Checkpoint load(Path path, Path tokenizer) throws IOException {
        if (!Files.exists(path)) {
            throw new DataException(path + ": no such checkpoint file or directory");
        }
        String name =
                path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".bin") && tokenizer != null) {
            throw new DataException(path + ": a separate tokenizer file (" + tokenizer
                    + ") is only read with llama2.c .bin checkpoints; this format carries its own");
        }
        if (Files.isDirectory(path)) {
            return HfCheckpointLoader.load(path);
        }
        if (name.endsWith(".gguf")) {
            return GgufCheckpointLoader.load(path);
        }
        if (name.endsWith(".bin")) {
            return Llama2cLoader.load(path, tokenizer);
        }
        if (name.endsWith(".safetensors")) {
            throw new DataException(path + ": a safetensors file alone has no config or tokenizer; give its directory"
                    + " (config.json, model.safetensors, tokenizer.json)");
        }
        throw new DataException(path + ": not a checkpoint this tool reads (a Hugging Face directory, a .gguf file or a"
                + " llama2.c .bin file)");
    }
}
