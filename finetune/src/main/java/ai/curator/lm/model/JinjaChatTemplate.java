package ai.curator.lm.model;

import ai.curator.api.DataException;
import ai.curator.api.Generator.Message;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint's own Jinja chat template, executed as Hugging Face {@code transformers}' {@code
 * apply_chat_template} executes it: {@code trim_blocks} and {@code lstrip_blocks} on, the variables
 * {@code messages} (role, content), {@code add_generation_prompt}, {@code bos_token} and {@code
 * eos_token} (undefined when the model has none), and {@code raise_exception(message)}. The engine is
 * HubSpot's Jinjava; {@code JinjaChatTemplateTest} checks its output against Python's jinja2 on
 * published templates (Llama 2 and 3, Mistral, Gemma, Phi-3, Qwen2, Zephyr).
 *
 * <p>What the template refuses ({@code raise_exception}, e.g. Gemma's "System role not supported")
 * and what Jinjava cannot execute (a Python string method such as {@code .startswith}) are {@link
 * DataException}s naming the checkpoint, with the way out: an explicit {@code chat_format}.
 *
 * <p>Thread-safe.
 */
public final class JinjaChatTemplate {
    /** An assistant answer no conversation contains, to find where a template puts the answer. */
    private static final String SENTINEL = "\u2063SENTINEL\u2063";

    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final String source;
    private final Jinjava jinjava;

    /**
     * @param template the Jinja source
     * @param bosToken the text of the model's BOS token, or null when it has none
     * @param eosToken the text of its EOS token, or null
     * @param source the checkpoint, for messages
     */
    public JinjaChatTemplate(String template, String bosToken, String eosToken, String source) {
        this.template = Objects.requireNonNull(template, "template");
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.source = source;
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUsePyishObjectMapper(true)
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", JinjaChatTemplate.class, "raiseException", String.class));
    }

    /**
     * The template's {@code raise_exception}: remembers the message and fails the render. Jinjava
     * records the failure and goes on rendering, where Python stops; the first message is the one
     * Python reports.
     */
    public static String raiseException(String message) {
        if (RAISED.get() == null) {
            RAISED.set(message);
        }
        throw new IllegalStateException(message);
    }

    /** The text of the model's BOS token the template sees, or null. */
    public String bosToken() {
        return bosToken;
    }

    /** The text of the model's EOS token the template sees, or null. */
    public String eosToken() {
        return eosToken;
    }

    /**
     * The conversation as the template writes it.
     *
     * @param addGenerationPrompt end with the header of the assistant's turn (to prompt an answer)
     * @throws DataException when the template refuses the conversation or cannot be executed
     */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            list.add(map);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", list);
        vars.put("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null) {
            vars.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            vars.put("eos_token", eosToken);
        }
        RAISED.remove();
        RenderResult result;
        try {
            result = jinjava.renderForResult(template, vars);
        } catch (RuntimeException e) {
            throw failure(e.getMessage());
        }
        String raised = RAISED.get();
        RAISED.remove();
        if (raised != null) {
            throw new DataException(
                    source + ": its chat template refuses the conversation (roles " + roles(messages) + "): " + raised);
        }
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw failure(e.getMessage() + (e.getFieldName() == null ? "" : " in '" + e.getFieldName() + "'")
                        + " (line " + e.getLineno() + ")");
            }
        }
        return result.getOutput();
    }

    /**
     * A conversation and the assistant's answer to it, split where training splits them.
     *
     * @param prompt the conversation with the generation prompt: what the model is given
     * @param response what the template writes after it for the answer: the answer and the turn's end
     */
    public record Split(String prompt, String response) {}

    /**
     * The conversation rendered with the generation prompt, and the rest of its rendering with {@code
     * answer} as the assistant's turn — the response a model is trained on, end-of-turn marker included.
     *
     * @throws DataException when the rendering with the answer does not start with the prompt (the
     *     template writes earlier turns differently once an answer follows)
     */
    public Split split(List<Message> conversation, String answer) {
        String prompt = render(conversation, true);
        List<Message> full = new ArrayList<>(conversation);
        full.add(new Message("assistant", answer));
        String text = render(full, false);
        if (!text.startsWith(prompt)) {
            throw new DataException(source + ": its chat template writes the conversation differently once an"
                    + " answer follows (the prompt is not a prefix of prompt + answer), so the answer's tokens"
                    + " cannot be told from the prompt's; choose chat_format: plain, chatml or llama3");
        }
        return new Split(prompt, text.substring(prompt.length()));
    }

    /**
     * What the template writes after an assistant's answer (e.g. {@code <|im_end|>\n}, {@code
     * <|eot_id|>}, {@code </s>}): the end of a turn, which a generation stops at.
     *
     * @throws DataException when the template cannot render a one-turn exchange
     */
    public String endOfTurn() {
        Split s = split(List.of(new Message("user", "a")), SENTINEL);
        int at = s.response().indexOf(SENTINEL);
        if (at < 0) {
            throw new DataException(source + ": its chat template does not write the assistant's answer");
        }
        return s.response().substring(at + SENTINEL.length());
    }

    private DataException failure(String why) {
        return new DataException(source + ": its chat template cannot be executed here (" + why
                + "); choose chat_format: plain, chatml or llama3 for this checkpoint");
    }

    private static String roles(List<Message> messages) {
        StringBuilder b = new StringBuilder();
        for (Message m : messages) {
            b.append(b.length() == 0 ? "" : ", ").append(m.role());
        }
        return b.toString();
    }
}
