package ai.curator.lm.cli;

import ai.curator.api.Progress;
import ai.curator.io.FileIo;
import ai.curator.lm.tokenize.BpeTrainer;
import ai.curator.lm.tokenize.ByteLevelBpe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator lm tokenizer train}: a GPT-2-style byte-level BPE tokenizer trained on text files
 * ({@link BpeTrainer}; documents are blocks of lines between blank lines), saved as Hugging Face's
 * {@code tokenizer.json} and {@code tokenizer_config.json}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a byte-level BPE tokenizer on text files (UTF-8, .gz allowed; documents separated by blank lines);",
            "writes tokenizer.json and tokenizer_config.json into --out."
        })
public final class LmTokenizerTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "text files, read in order")
    List<Path> input = new ArrayList<>();

    @Option(
            names = "--vocab-size",
            required = true,
            description = "tokens in the vocabulary, the 256 bytes and the special tokens included")
    int vocabSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write into")
    Path out;

    @Option(
            names = "--special",
            paramLabel = "TOKEN",
            description = "special token, never split, ids 0.. in order; repeatable (default: <|endoftext|>, also BOS,"
                    + " EOS and padding)")
    List<String> special;

    @Option(
            names = "--eos",
            paramLabel = "TOKEN",
            description = "the end-of-sequence token, one of --special (default: <|endoftext|>)")
    String eos;

    @Option(
            names = "--min-frequency",
            defaultValue = "2",
            description = "fewest occurrences of a pair to merge it (default: ${DEFAULT-VALUE})")
    int minFrequency;

    @Option(names = "--max-input-bytes", description = "stop reading after this many UTF-8 bytes (default: all)")
    Long maxInputBytes;

    @Override
    public Integer call() {
        for (Path f : input) {
            FileIo.requireReadableFile(f, "Input file (--input)");
        }
        BpeTrainer.Options options;
        try {
            options = new BpeTrainer.Options(vocabSize, minFrequency, special, null, eos, null, maxInputBytes, null);
        } catch (IllegalArgumentException e) {
            throw LmCli.bad(
                    spec,
                    e.getMessage()
                            .replace("bpe.vocab_size", "--vocab-size")
                            .replace("bpe.min_frequency", "--min-frequency")
                            .replace("bpe.special_tokens", "--special")
                            .replace("bpe.eos_token", "--eos")
                            .replace("bpe.max_input_bytes", "--max-input-bytes")
                            .replace("bpe.", "--"));
        }
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        long[] read = new long[2];
        int[] counted = new int[2];
        long[] countedAt = new long[1];
        ByteLevelBpe bpe;
        int most = vocabSize - 256 - options.specialTokens().size();
        try (Progress merges = LmCli.bars().start("bpe merges", most)) {
            bpe = BpeTrainer.train(input, options, new BpeTrainer.Listener() {
                int last;

                @Override
                public void read(long documents, long bytes) {
                    read[0] = documents;
                    read[1] = bytes;
                }

                @Override
                public void counted(int words, int pairs) {
                    counted[0] = words;
                    counted[1] = pairs;
                    countedAt[0] = System.nanoTime();
                }

                @Override
                public void merged(int done, int max) {
                    merges.step(done - last);
                    last = done;
                }
            });
        }
        long t1 = System.nanoTime();
        bpe.save(out);
        err.printf(
                Locale.ROOT,
                "lm tokenizer train: read %,d documents (%,d bytes), %,d distinct pieces, %,d pairs in %.1f s;"
                        + " %,d merges in %.1f s%n",
                read[0],
                read[1],
                counted[0],
                counted[1],
                (countedAt[0] - t0) / 1e9,
                bpe.merges().size(),
                (t1 - countedAt[0]) / 1e9);
        err.flush();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(
                "vocabulary %d (%d special, 256 bytes, %d merges%s); wrote %s and %s%n",
                bpe.vocab().size(),
                bpe.specialTokens().size(),
                bpe.merges().size(),
                bpe.vocab().size() < vocabSize ? "; stopped early: no pair occurs " + minFrequency + " times" : "",
                out.resolve(ByteLevelBpe.TOKENIZER_JSON),
                out.resolve(ByteLevelBpe.TOKENIZER_CONFIG_JSON));
        stdout.flush();
        return 0;
    }

    /** Adds {@code curator lm tokenizer train}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "lm tokenizer";
        }

        @Override
        public Object command() {
            return new LmTokenizerTrainCommand();
        }
    }
}
