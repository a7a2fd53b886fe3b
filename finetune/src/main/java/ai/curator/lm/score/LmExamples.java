package ai.curator.lm.score;

import ai.curator.api.DataException;
import ai.curator.api.Generator.Message;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.LmGenerator;
import ai.curator.lm.model.SequenceLoss;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A row's prompt and response text as the {@link SequenceLoss.Example} the model is scored on:
 * the prompt rendered as one user turn in the chat format and encoded as {@link LmGenerator}
 * prompts the model, the response as the format ends an answer (the template's end of turn, or the
 * end-of-turn token or EOS) — {@link LmGenerator#encode} builds both, so a loss measures what
 * generation would have to produce and what fine-tuning trains on.
 *
 * <p>Unlike {@code LmGenerator.example}, an example longer than {@code maxLength} tokens (prompt +
 * response) can have its prompt cut from the left instead of failing.
 */
public final class LmExamples {
    private final CausalLm lm;
    private final LmGenerator generator;
    private final ChatFormat format;
    private final int maxLength;
    private final boolean truncate;
    private final String lengthHint;

    /**
     * @param chatFormat the format; null: detected from the checkpoint's template (plain when it has
     *     none)
     * @param maxLength most tokens of prompt + response, in [2, the model's context]; null: the context
     * @param truncate cut a too-long example's prompt from the left instead of failing
     * @param lengthHint appended to the too-long error, naming the options that change it
     * @throws IllegalArgumentException when the checkpoint's chat template is not one this build renders
     *     and no format is given, or {@code maxLength} is out of range
     */
    public LmExamples(CausalLm lm, ChatFormat chatFormat, Integer maxLength, boolean truncate, String lengthHint) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.generator = new LmGenerator(lm, new LmGenerator.Options(1, chatFormat));
        this.format = generator.format();
        int context = lm.config().maxPositions();
        this.maxLength = maxLength == null ? context : maxLength;
        if (this.maxLength < 2 || this.maxLength > context) {
            throw new IllegalArgumentException(
                    "max_length must be in [2, " + context + "] (the model's context), got " + this.maxLength);
        }
        this.truncate = truncate;
        this.lengthHint = lengthHint == null ? "" : lengthHint;
    }

    /** The chat format in use. */
    public ChatFormat format() {
        return format;
    }

    /** Most tokens of prompt + response. */
    public int maxLength() {
        return maxLength;
    }

    /** Whether the last example built had its prompt cut (for counting); see {@link #example}. */
    public record Built(SequenceLoss.Example example, boolean truncated) {
        /** Prompt + response tokens. */
        public int tokens() {
            return example.prompt().length + example.response().length;
        }
    }

    /**
     * The example of one row.
     *
     * @param where names the row in errors, e.g. {@code row id '17' (line 18)}
     * @throws DataException naming the row when the response is empty, the prompt has no token, or
     *     the example is too long and truncation is off
     */
    public Built example(String where, String prompt, String response) {
        return build(where, prompt, response, false);
    }

    /**
     * As {@link #example}, but null when the example is longer than {@code maxLength} and cannot be
     * truncated (for callers that leave such rows out).
     */
    public Built exampleIfFits(String where, String prompt, String response) {
        return build(where, prompt, response, true);
    }

    private Built build(String where, String prompt, String response, boolean nullWhenLong) {
        if (lm.tokenizer().encode(response).length == 0) {
            throw new DataException(where + " has an empty response; there is nothing to score");
        }
        SequenceLoss.Example e;
        try {
            e = generator.encode(List.of(new Message("user", prompt)), response);
        } catch (DataException refused) {
            throw new DataException(where + ": " + refused.getMessage(), refused);
        }
        int[] p = e.prompt();
        int[] r = e.response();
        if (p.length == 0) {
            throw new DataException(where + " has an empty prompt and the model has no BOS token to start from");
        }
        boolean cut = false;
        if (p.length + r.length > maxLength) {
            if (!truncate || maxLength < 2) {
                if (nullWhenLong) {
                    return null;
                }
                throw new DataException(where + " has " + (p.length + r.length) + " tokens (" + p.length + " prompt + "
                        + r.length + " response); the limit is " + maxLength + lengthHint);
            }
            if (r.length < maxLength) {
                p = Arrays.copyOfRange(p, p.length - (maxLength - r.length), p.length);
            } else {
                // the response alone fills the context: the prompt's last quarter of it, then the response's start
                int keep = Math.max(1, Math.min(p.length, maxLength / 4));
                p = Arrays.copyOfRange(p, p.length - keep, p.length);
                r = Arrays.copyOf(r, maxLength - keep);
            }
            cut = true;
        }
        return new Built(new SequenceLoss.Example(p, r), cut);
    }
}
