package ai.curator.lm.score;

import ai.curator.api.DataException;
import ai.curator.io.FileIo;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.model.CausalLm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Loads a checkpoint (a Hugging Face directory, a {@code .gguf} file or a llama2.c {@code .bin}
 * file, see {@link CheckpointLoader}) into a {@link CausalLm}, every problem a {@link
 * DataException} naming the file, and fingerprints checkpoints for caches.
 */
public final class LmModels {
    private LmModels() {}

    /**
     * The model at {@code path}.
     *
     * @param tokenizer a llama2.c tokenizer file, or null to look beside a {@code .bin} checkpoint
     * @throws DataException naming the file: missing, unreadable, unsupported, inconsistent
     */
    public static CausalLm load(Path path, Path tokenizer) {
        return model(checkpoint(path, tokenizer));
    }

    /** The model of a loaded checkpoint; a missing or misshapen tensor is a {@link DataException} naming it. */
    public static CausalLm model(Checkpoint c) {
        try {
            return CausalLm.load(c);
        } catch (IllegalArgumentException e) {
            throw new DataException(c.source() + ": " + e.getMessage(), e);
        }
    }

    /** Parameters in the checkpoint's tensors (a tied output layer counted once). */
    public static long parameters(Checkpoint c) {
        long n = 0;
        for (Checkpoint.Tensor t : c.tensors().values()) {
            n += t.data().length;
        }
        return n;
    }

    /** The checkpoint at {@code path} (see {@link #load}). */
    public static Checkpoint checkpoint(Path path, Path tokenizer) {
        try {
            return CheckpointLoader.load(path, tokenizer);
        } catch (IOException e) {
            throw new DataException(path + ": cannot read the checkpoint: " + e.getMessage(), e);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new DataException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Hex SHA-256 over the files that decide the model's outputs: a file's own bytes; for a llama2.c
     * {@code .bin} also the tokenizers beside it ({@code tokenizer.bin}, {@code tok*.bin}); for a
     * directory every regular file directly inside it, by name.
     */
    public static String sha256(Path path) {
        List<Path> files = new ArrayList<>();
        String name =
                path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(path)) {
            files.addAll(list(path, p -> !p.getFileName().toString().startsWith(".")));
        } else if (name.endsWith(".bin")) {
            files.add(path);
            Path dir = path.toAbsolutePath().getParent();
            files.addAll(list(dir, p -> {
                String n = p.getFileName().toString();
                return (n.equals("tokenizer.bin") || n.matches("tok.*\\.bin"))
                        && !p.toAbsolutePath().equals(path.toAbsolutePath());
            }));
        } else {
            return FileIo.sha256(path);
        }
        if (files.size() == 1 && files.get(0).equals(path)) {
            return FileIo.sha256(path);
        }
        StringBuilder b = new StringBuilder();
        for (Path f : files) {
            b.append(f.getFileName()).append('\u0000').append(FileIo.sha256(f)).append('\n');
        }
        return FileIo.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list the checkpoint's files: " + e.getMessage(), e);
        }
    }
}
