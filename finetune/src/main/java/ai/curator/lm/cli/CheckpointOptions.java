package ai.curator.lm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The checkpoint options every {@code lm} command that reads a model shares (a picocli mixin). */
final class CheckpointOptions {
    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR|FILE",
            description = "Hugging Face checkpoint directory, .gguf file or llama2.c .bin file")
    Path model;

    @Option(
            names = "--tokenizer",
            paramLabel = "FILE",
            description = "llama2.c tokenizer (.bin checkpoints; default: tokenizer.bin or tok*.bin beside it)")
    Path tokenizer;
}
