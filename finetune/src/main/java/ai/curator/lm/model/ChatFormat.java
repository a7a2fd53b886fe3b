package ai.curator.lm.model;

import ai.curator.api.Generator.Message;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How chat messages become prompt text. By default ({@link #detect}) a checkpoint's own Jinja chat
 * template is executed ({@link #TEMPLATE}, as {@code transformers}' {@code apply_chat_template}), and
 * a checkpoint without one gets {@link #PLAIN}; the other formats are written out by hand, for a
 * template this build cannot execute or to override the checkpoint's.
 *
 * <ul>
 *   <li>{@link #TEMPLATE}: the checkpoint's template through {@link JinjaChatTemplate}; the response a
 *       model is trained on is what the template writes after the prompt for the answer, end-of-turn
 *       marker included. Rendered by {@code LmGenerator}, not by {@link #render}.
 *   <li>{@link #PLAIN}: the messages' contents joined by a blank line, roles dropped — a single user
 *       message is the prompt as is. For base models (no template), e.g. stories260K.
 *   <li>{@link #CHATML}: {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then {@code
 *       <|im_start|>assistant\n} (Qwen2, many others). A default system message written in the
 *       template (Qwen2's "You are a helpful assistant.") is added when the conversation has none.
 *   <li>{@link #LLAMA3}: {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>} per
 *       message (content trimmed), then the assistant header; BOS is added as an id.
 * </ul>
 *
 * The special markers are written as text: the tokenizer must encode them to their special ids.
 */
public enum ChatFormat {
    TEMPLATE,
    PLAIN,
    CHATML,
    LLAMA3;

    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\\\n|\\n)(.*?)<\\|im_end\\|>", Pattern.DOTALL);

    /** The names {@link #of} accepts, for messages. */
    public static final String NAMES = "template, plain, chatml, llama3";

    /**
     * The default format of a checkpoint: {@link #TEMPLATE} when it has a chat template, {@link
     * #PLAIN} when it has none.
     *
     * @param source the checkpoint (kept for callers' messages)
     */
    public static ChatFormat detect(String template, String source) {
        return template == null || template.isBlank() ? PLAIN : TEMPLATE;
    }

    /** The format named {@code name} (template, plain, chatml, llama3). */
    public static ChatFormat of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chat_format must be one of " + NAMES + ", got '" + name + "'", e);
        }
    }

    /**
     * The prompt text of {@code messages} in a hand-written format.
     *
     * @param template the checkpoint's template (for ChatML's default system message), or null
     * @throws IllegalStateException for {@link #TEMPLATE}, which {@link JinjaChatTemplate} renders
     */
    public String render(List<Message> messages, String template) {
        StringBuilder b = new StringBuilder();
        switch (this) {
            case TEMPLATE -> throw new IllegalStateException(
                    "the checkpoint's template is rendered by JinjaChatTemplate");
            case PLAIN -> {
                for (Message m : messages) {
                    b.append(b.length() == 0 ? "" : "\n\n").append(m.content());
                }
            }
            case CHATML -> {
                if (template != null
                        && (messages.isEmpty() || !messages.get(0).role().equals("system"))) {
                    Matcher d = CHATML_DEFAULT_SYSTEM.matcher(template);
                    if (d.find()) {
                        b.append("<|im_start|>system\n").append(d.group(1)).append("<|im_end|>\n");
                    }
                }
                for (Message m : messages) {
                    b.append("<|im_start|>")
                            .append(m.role())
                            .append('\n')
                            .append(m.content())
                            .append("<|im_end|>\n");
                }
                b.append("<|im_start|>assistant\n");
            }
            case LLAMA3 -> {
                for (Message m : messages) {
                    b.append("<|start_header_id|>")
                            .append(m.role())
                            .append("<|end_header_id|>\n\n")
                            .append(m.content().strip())
                            .append("<|eot_id|>");
                }
                b.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
        }
        return b.toString();
    }

    /**
     * The end-of-turn marker the model emits after its answer, or null (PLAIN: the model's EOS only;
     * TEMPLATE: {@link JinjaChatTemplate#endOfTurn}).
     */
    public String endOfTurn() {
        return switch (this) {
            case TEMPLATE, PLAIN -> null;
            case CHATML -> "<|im_end|>";
            case LLAMA3 -> "<|eot_id|>";
        };
    }

    /**
     * Whether the prompt starts with the BOS id (when the model has one): Llama-family base models and
     * Llama 3; a template writes BOS itself when the model wants it.
     */
    boolean addsBos(ai.curator.lm.ModelConfig config) {
        return switch (this) {
            case TEMPLATE -> false;
            case PLAIN -> config.architecture() == ai.curator.lm.ModelConfig.Architecture.LLAMA;
            case CHATML -> false;
            case LLAMA3 -> true;
        };
    }
}
