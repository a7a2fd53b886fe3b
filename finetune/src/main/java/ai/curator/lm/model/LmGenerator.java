package ai.curator.lm.model;

import ai.curator.api.DataException;
import ai.curator.api.Generator;
import ai.curator.lm.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The in-JVM model as the evaluation module's {@link Generator}: renders each request's messages
 * with a {@link ChatFormat}, encodes them (BOS first where the format wants it), and decodes the
 * requests in batches of similar length with a KV cache ({@link Decoder}), handing each completion
 * to the sink as its batch finishes.
 *
 * <p>Sampling is seeded per request from {@code settings.seed()} and the request's id, so a
 * completion does not depend on its batch or on which requests a resumed run still has to do;
 * greedy decoding (the evaluations' default) depends on batching only through float rounding.
 */
public final class LmGenerator implements Generator {
    /**
     * @param batchSize requests decoded together, &ge; 1 (default 8)
     * @param chatFormat how messages become text; null: detected from the checkpoint's template ({@link
     *     ChatFormat#detect})
     */
    public record Options(Integer batchSize, ChatFormat chatFormat) {
        public Options {
            batchSize = batchSize == null ? 8 : batchSize;
            if (batchSize < 1) {
                throw new IllegalArgumentException("generate.batch_size must be >= 1, got " + batchSize);
            }
        }

        /** The defaults. */
        public static Options defaults() {
            return new Options(null, null);
        }
    }

    private final CausalLm lm;
    private final Options options;
    private final ChatFormat format;
    private final int[] stopIds;

    /**
     * @throws IllegalArgumentException when no chat format is given and the checkpoint's template is
     *     not recognised
     */
    public LmGenerator(CausalLm lm, Options options) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.options = Objects.requireNonNull(options, "options");
        this.format =
                options.chatFormat() != null ? options.chatFormat() : ChatFormat.detect(lm.chatTemplate(), lm.source());
        String end = format.endOfTurn();
        int[] ids = end == null ? new int[0] : lm.tokenizer().encode(end);
        // Only a marker that is one token can end a turn by id; otherwise the model's EOS does.
        this.stopIds = ids.length == 1 ? ids : new int[0];
    }

    /** The chat format in use. */
    public ChatFormat format() {
        return format;
    }

    /**
     * The prompt ids of a request.
     *
     * @throws DataException naming the request when its prompt leaves no room in the context
     */
    public int[] prompt(Request r) {
        int[] text = lm.tokenizer().encode(format.render(r.messages(), lm.chatTemplate()));
        ModelConfig c = lm.config();
        int bos = c.bosId() >= 0 ? c.bosId() : lm.tokenizer().bos();
        int[] ids = text;
        if (format.addsBos(c) && bos >= 0) {
            ids = new int[text.length + 1];
            ids[0] = bos;
            System.arraycopy(text, 0, ids, 1, text.length);
        }
        if (ids.length == 0) {
            throw new DataException("request '" + r.id() + "' has an empty prompt (no messages or empty content)");
        }
        if (ids.length >= c.maxPositions()) {
            throw new DataException("request '" + r.id() + "' has a prompt of " + ids.length
                    + " tokens; the model's context is " + c.maxPositions());
        }
        return ids;
    }

    /**
     * The loss example of a conversation and its expected answer, rendered and encoded exactly as
     * {@link #generate} would prompt the model, the answer followed by the end-of-turn token (or the
     * model's EOS): the per-sample loss then scores what generation would have to produce.
     *
     * @param id names the example in errors
     */
    public SequenceLoss.Example example(String id, List<Message> conversation, String answer) {
        int[] prompt = prompt(new Request(id, conversation));
        int[] body = lm.tokenizer().encode(answer);
        int end = stopIds.length == 1
                ? stopIds[0]
                : (lm.config().eosId() >= 0
                        ? lm.config().eosId()
                        : lm.tokenizer().eos());
        int[] response = end >= 0 ? Arrays.copyOf(body, body.length + 1) : body;
        if (end >= 0) {
            response[body.length] = end;
        }
        return new SequenceLoss.Example(prompt, response);
    }

    @Override
    public void generate(List<Request> requests, Settings settings, Consumer<Completion> sink) {
        List<int[]> prompts = new ArrayList<>(requests.size());
        for (Request r : requests) {
            prompts.add(prompt(r));
        }
        Integer[] order = new Integer[requests.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length));
        Decoder decoder = new Decoder(lm, true);
        for (int start = 0; start < order.length; start += options.batchSize()) {
            int end = Math.min(order.length, start + options.batchSize());
            List<int[]> batch = new ArrayList<>(end - start);
            long[] seeds = new long[end - start];
            for (int i = start; i < end; i++) {
                batch.add(prompts.get(order[i]));
                seeds[i - start] = settings.seed() * 0x9E3779B97F4A7C15L
                        + requests.get(order[i]).id().hashCode();
            }
            List<Decoder.Output> out;
            try {
                out = decoder.generate(batch, settings, stopIds, seeds);
            } catch (RuntimeException e) {
                if (e instanceof ai.curator.api.CuratorException) {
                    throw e;
                }
                throw new ai.curator.api.StageException(
                        "generation failed on requests " + ids(requests, order, start, end) + " (" + describe() + "): "
                                + e.getMessage(),
                        e);
            }
            for (int i = start; i < end; i++) {
                sink.accept(new Completion(
                        requests.get(order[i]).id(), out.get(i - start).text()));
            }
        }
    }

    private static String ids(List<Request> requests, Integer[] order, int start, int end) {
        StringBuilder b = new StringBuilder();
        for (int i = start; i < end; i++) {
            b.append(i == start ? "'" : ", '")
                    .append(requests.get(order[i]).id())
                    .append('\'');
        }
        return b.toString();
    }

    @Override
    public String describe() {
        ModelConfig c = lm.config();
        return "in-jvm " + lm.source() + " " + c.architecture().name().toLowerCase(java.util.Locale.ROOT) + " layers="
                + c.numLayers() + " hidden=" + c.hiddenSize() + " chat_format="
                + format.name().toLowerCase(java.util.Locale.ROOT) + " batch_size=" + options.batchSize();
    }
}
