package ai.curator.lm.model;

import ai.curator.api.DataException;
import ai.curator.api.Generator;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The in-JVM model as the evaluation module's {@link Generator}: renders each request's messages
 * with a {@link ChatFormat} (by default the checkpoint's own Jinja template, {@link JinjaChatTemplate}), encodes them (BOS first where the format wants it), and decodes the
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
     * @param emptyWhenTooLong a request whose prompt leaves no room in the context gets an empty
     *     completion (an evaluation scores it wrong) and is listed in {@link #promptsTooLong}, instead
     *     of failing the call
     */
    public record Options(Integer batchSize, ChatFormat chatFormat, boolean emptyWhenTooLong) {
        public Options {
            batchSize = batchSize == null ? 8 : batchSize;
            if (batchSize < 1) {
                throw new IllegalArgumentException("generate.batch_size must be >= 1, got " + batchSize);
            }
        }

        /** A prompt that leaves no room in the context is an error. */
        public Options(Integer batchSize, ChatFormat chatFormat) {
            this(batchSize, chatFormat, false);
        }

        /** The defaults. */
        public static Options defaults() {
            return new Options(null, null);
        }
    }

    private final CausalLm lm;
    private final Options options;
    private final ChatFormat format;
    private final JinjaChatTemplate template;
    private final int[] stopIds;
    private final List<String> tooLong = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * @throws DataException when the format is {@link ChatFormat#TEMPLATE} (the default for a
     *     checkpoint with a chat template) and the template cannot be executed, the checkpoint has none,
     *     or the tokenizer does not encode a special token the template writes to its id
     */
    public LmGenerator(CausalLm lm, Options options) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.options = Objects.requireNonNull(options, "options");
        this.format =
                options.chatFormat() != null ? options.chatFormat() : ChatFormat.detect(lm.chatTemplate(), lm.source());
        Tokenizer tok = lm.tokenizer();
        if (format == ChatFormat.TEMPLATE) {
            if (lm.chatTemplate() == null || lm.chatTemplate().isBlank()) {
                throw new DataException(
                        lm.source() + " has no chat template; choose chat_format: plain, chatml or" + " llama3");
            }
            this.template = new JinjaChatTemplate(
                    lm.chatTemplate(), tokenText(tok, bosId()), tokenText(tok, eosId()), lm.source());
            String end = template.endOfTurn();
            checkSpecialTokens();
            int[] ids = tok.encode(end);
            // The turn ends at the first token the template writes after the answer when that is a
            // special token (<|im_end|>, <|eot_id|>, <end_of_turn>); otherwise at the model's EOS.
            this.stopIds = ids.length > 0 && tok.decode(new int[] {ids[0]}).isEmpty() ? new int[] {ids[0]} : new int[0];
        } else {
            this.template = null;
            String end = format.endOfTurn();
            int[] ids = end == null ? new int[0] : tok.encode(end);
            // Only a marker that is one token can end a turn by id; otherwise the model's EOS does.
            this.stopIds = ids.length == 1 ? ids : new int[0];
        }
    }

    private int bosId() {
        return lm.config().bosId() >= 0 ? lm.config().bosId() : lm.tokenizer().bos();
    }

    private int eosId() {
        return lm.config().eosId() >= 0 ? lm.config().eosId() : lm.tokenizer().eos();
    }

    private static String tokenText(Tokenizer tok, int id) {
        return id < 0 ? null : tok.tokenText(id);
    }

    /**
     * The BOS and EOS texts the template writes (and the end of its turn) must encode to their one
     * special id, or the model would read them as plain characters.
     */
    private void checkSpecialTokens() {
        Tokenizer tok = lm.tokenizer();
        String exchange = template.render(List.of(new Message("user", "a"), new Message("assistant", "b")), false);
        for (String special : new String[] {template.bosToken(), template.eosToken()}) {
            if (special == null || special.isEmpty() || !exchange.contains(special)) {
                continue;
            }
            int[] ids = tok.encode(special);
            if (ids.length != 1) {
                throw new DataException(lm.source() + ": its chat template writes '" + special + "', which this"
                        + " tokenizer encodes as " + ids.length + " tokens, not as the special token; choose"
                        + " chat_format: plain, chatml or llama3");
            }
        }
    }

    /** The chat format in use. */
    public ChatFormat format() {
        return format;
    }

    /** The ids that end a turn besides the model's EOS (the format's end-of-turn token), for tests. */
    int[] stopIds() {
        return stopIds.clone();
    }

    /**
     * The prompt ids of a request.
     *
     * @throws DataException naming the request when its prompt leaves no room in the context
     */
    public int[] prompt(Request r) {
        return checked(r.id(), promptIds(r.messages()));
    }

    /** {@code ids}, the prompt of request {@code id}, when it is not empty and leaves room in the context. */
    private int[] checked(String id, int[] ids) {
        ModelConfig c = lm.config();
        if (ids.length == 0) {
            throw new DataException("request '" + id + "' has an empty prompt (no messages or empty content)");
        }
        if (ids.length >= c.maxPositions()) {
            throw new DataException("request '" + id + "' has a prompt of " + ids.length
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
        SequenceLoss.Example e = encode(conversation, answer);
        checked(id, e.prompt());
        return e;
    }

    /**
     * The prompt text of a conversation in this generator's format, ending where the assistant's
     * answer begins.
     *
     * @throws DataException when the checkpoint's template refuses the conversation
     */
    public String render(List<Message> conversation) {
        return template != null ? template.render(conversation, true) : format.render(conversation, lm.chatTemplate());
    }

    /**
     * The prompt ids (BOS first where the format wants it) and the response ids of a conversation and
     * its expected answer, their lengths unchecked: with a template, the response is what the template
     * writes after the prompt for the answer; otherwise the answer and the end-of-turn token (or EOS).
     */
    public SequenceLoss.Example encode(List<Message> conversation, String answer) {
        Tokenizer tok = lm.tokenizer();
        if (template != null) {
            JinjaChatTemplate.Split s = template.split(conversation, answer);
            return new SequenceLoss.Example(tok.encode(s.prompt()), tok.encode(s.response()));
        }
        int[] body = tok.encode(answer);
        int end = stopIds.length == 1 ? stopIds[0] : eosId();
        int[] response = end >= 0 ? Arrays.copyOf(body, body.length + 1) : body;
        if (end >= 0) {
            response[body.length] = end;
        }
        return new SequenceLoss.Example(promptIds(conversation), response);
    }

    private int[] promptIds(List<Message> conversation) {
        int[] text = lm.tokenizer().encode(render(conversation));
        int bos = bosId();
        if (format.addsBos(lm.config()) && bos >= 0) {
            int[] ids = new int[text.length + 1];
            ids[0] = bos;
            System.arraycopy(text, 0, ids, 1, text.length);
            return ids;
        }
        return text;
    }

    /** The ids of the requests answered with an empty completion because their prompt did not fit. */
    public List<String> promptsTooLong() {
        synchronized (tooLong) {
            return List.copyOf(tooLong);
        }
    }

    @Override
    public void generate(List<Request> requests, Settings settings, Consumer<Completion> sink) {
        List<Request> fit = new ArrayList<>(requests.size());
        List<int[]> prompts = new ArrayList<>(requests.size());
        for (Request r : requests) {
            int[] ids = promptIds(r.messages());
            if (options.emptyWhenTooLong() && ids.length >= lm.config().maxPositions()) {
                tooLong.add(r.id());
                sink.accept(new Completion(r.id(), ""));
            } else {
                prompts.add(checked(r.id(), ids));
                fit.add(r);
            }
        }
        requests = fit;
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
