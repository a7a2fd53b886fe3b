package ai.curator.lm.pretrain;

import ai.curator.api.DataException;
import ai.curator.lm.model.SequenceLoss;
import ai.curator.lm.tokenize.BpeTrainer;
import ai.curator.lm.tokenize.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Text files as language-model training blocks: documents (blocks of lines between blank lines,
 * {@link BpeTrainer#documents}) are encoded one after another into one token stream, each preceded
 * by BOS (when the tokenizer has one and it differs from EOS; otherwise only the stream's start) and
 * followed by EOS, then cut into consecutive blocks of {@code blockLength} tokens with no padding
 * (documents run across block boundaries, as in GPT-2's and Llama's pre-training; the tail shorter
 * than a block is dropped). Every block is a training {@link SequenceLoss.Example} whose prompt is
 * its first token and whose response is the rest, so the loss covers every next-token prediction
 * of the block.
 *
 * <p>Hold-out: block i (0-based, in stream order) is a validation block when {@code ⌊(i+1)·f⌋ >
 * ⌊i·f⌋} for the fraction f — evenly spread over the corpus (every 100th block for f = 0.01),
 * independent of any seed, so the same files give the same split.
 */
public final class PretrainCorpus {
    /**
     * The blocks.
     *
     * @param train training blocks, in stream order
     * @param validation held-out blocks, in stream order
     * @param documents documents read
     * @param bytes UTF-8 bytes of the documents
     * @param tokens tokens of the stream (BOS/EOS included)
     * @param dropped tokens of the final partial block, not used
     */
    public record Blocks(
            List<int[]> train, List<int[]> validation, long documents, long bytes, long tokens, long dropped) {}

    private PretrainCorpus() {}

    /**
     * Reads, encodes and cuts {@code files}.
     *
     * @param blockLength tokens per block, &ge; 2 (sequence length + 1: a block of n + 1 tokens
     *     trains n predictions)
     * @param evalFraction share of blocks held out, in [0, 0.5)
     * @param documentsRead called with the number of documents read so far, every 1,000 documents
     * @throws DataException when the files hold no complete block
     */
    public static Blocks build(
            List<Path> files, Tokenizer tokenizer, int blockLength, double evalFraction, LongConsumer documentsRead) {
        if (blockLength < 2) {
            throw new IllegalArgumentException("block length must be >= 2, got " + blockLength);
        }
        if (!(evalFraction >= 0 && evalFraction < 0.5)) {
            throw new IllegalArgumentException("eval fraction must be in [0, 0.5), got " + evalFraction);
        }
        int bos = tokenizer.bos();
        int eos = tokenizer.eos();
        List<int[]> train = new ArrayList<>();
        List<int[]> validation = new ArrayList<>();
        int[] block = new int[blockLength];
        int fill = 0;
        long documents = 0;
        long bytes = 0;
        long tokens = 0;
        long index = 0;
        Iterator<String> docs = BpeTrainer.documents(files);
        while (docs.hasNext()) {
            String d = docs.next();
            int[] body = tokenizer.encode(d);
            bytes += d.getBytes(StandardCharsets.UTF_8).length;
            int extra = (bos >= 0 && (bos != eos || documents == 0) ? 1 : 0) + (eos >= 0 ? 1 : 0);
            int[] ids = new int[body.length + extra];
            int k = 0;
            if (bos >= 0 && (bos != eos || documents == 0)) {
                ids[k++] = bos;
            }
            System.arraycopy(body, 0, ids, k, body.length);
            k += body.length;
            if (eos >= 0) {
                ids[k] = eos;
            }
            documents++;
            tokens += ids.length;
            for (int id : ids) {
                block[fill++] = id;
                if (fill == blockLength) {
                    (held(index, evalFraction) ? validation : train).add(block);
                    index++;
                    block = new int[blockLength];
                    fill = 0;
                }
            }
            if (documentsRead != null && documents % 1000 == 0) {
                documentsRead.accept(documents);
            }
        }
        if (train.isEmpty()) {
            throw new DataException("the text files " + files + " hold " + tokens + " tokens, fewer than one block of "
                    + blockLength + " (--seq-len + 1) left for training");
        }
        return new Blocks(List.copyOf(train), List.copyOf(validation), documents, bytes, tokens, fill);
    }

    /** Whether block {@code i} is held out for validation. */
    static boolean held(long i, double fraction) {
        return Math.floor((i + 1) * fraction) > Math.floor(i * fraction);
    }

    /** A block as a training example: its first token is the context, every later token a target. */
    public static SequenceLoss.Example example(int[] block) {
        return new SequenceLoss.Example(Arrays.copyOf(block, 1), Arrays.copyOfRange(block, 1, block.length));
    }
}
