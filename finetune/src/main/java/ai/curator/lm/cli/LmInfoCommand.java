package ai.curator.lm.cli;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.score.LmModels;
import ai.curator.lm.tokenize.Tokenizer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code curator lm info}: what a checkpoint is — where it came from, its shape, parameter count,
 * tokenizer and chat format — read without building the model.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Print a checkpoint's source, shape, parameter count, tokenizer and chat format.")
public final class LmInfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CheckpointOptions source;

    @Option(names = "--sha256", description = "also print the SHA-256 of the checkpoint's files (what caches key on)")
    boolean sha;

    @Override
    public Integer call() {
        Checkpoint c = LmModels.checkpoint(source.model, source.tokenizer);
        ModelConfig m = c.config();
        Tokenizer t = c.tokenizer();
        PrintWriter out = spec.commandLine().getOut();
        String chat;
        if (c.chatTemplate() == null || c.chatTemplate().isBlank()) {
            chat = "plain (no chat template)";
        } else {
            chat = "template (the checkpoint's Jinja chat template, "
                    + c.chatTemplate().length() + " characters)";
        }
        out.printf("source:          %s%n", c.source());
        out.printf("architecture:    %s%n", m.architecture().name().toLowerCase(Locale.ROOT));
        out.printf(Locale.ROOT, "parameters:      %,d%n", LmModels.parameters(c));
        out.printf(
                "layers:          %d, hidden %d, intermediate %d, heads %d (kv %d, head dim %d)%n",
                m.numLayers(), m.hiddenSize(), m.intermediateSize(), m.numHeads(), m.numKvHeads(), m.headDim());
        out.printf("context:         %d tokens%n", m.maxPositions());
        out.printf(
                Locale.ROOT,
                "norm eps:        %g; rope theta %g; tied embeddings %s; attention bias %s%n",
                m.normEps(),
                m.ropeTheta(),
                m.tieWordEmbeddings(),
                m.attentionBias());
        out.printf(
                "tokenizer:       %s, vocabulary %d (model %d), bos %d, eos %d%n",
                t.getClass().getSimpleName(),
                t.vocabSize(),
                m.vocabSize(),
                m.bosId() >= 0 ? m.bosId() : t.bos(),
                m.eosId() >= 0 ? m.eosId() : t.eos());
        out.printf("chat format:     %s%n", chat);
        if (sha) {
            out.printf("sha256:          %s%n", LmModels.sha256(source.model));
        }
        out.flush();
        return 0;
    }

    /** Adds {@code curator lm info}. */
    public static final class Extension implements ai.curator.cli.CommandExtension {
        @Override
        public String parent() {
            return "lm";
        }

        @Override
        public Object command() {
            return new LmInfoCommand();
        }
    }
}
