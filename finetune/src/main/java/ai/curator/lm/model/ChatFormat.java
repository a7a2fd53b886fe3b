package ai.curator.lm.model;

import ai.curator.api.Generator.Message;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How chat messages become prompt text. Jinja templates are not executed; the formats below are
 * written out by hand and {@link #detect} picks one from a checkpoint's template by its markers,
 * rejecting a template it does not recognise rather than guessing.
 *
 * <ul>
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
    PLAIN,
    CHATML,
    LLAMA3;

    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\\\n|\\n)(.*?)<\\|im_end\\|>", Pattern.DOTALL);

    /**
     * The format of {@code template}: {@link #PLAIN} when there is none.
     *
     * @param source the checkpoint, for the message
     * @throws IllegalArgumentException when the template is not one of the known formats
     */
    public static ChatFormat detect(String template, String source) {
        if (template == null || template.isBlank()) {
            return PLAIN;
        }
        if (template.contains("<|im_start|>")) {
            return CHATML;
        }
        if (template.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        throw new IllegalArgumentException(source + " has a chat template this build cannot render (Jinja is not "
                + "executed; known: ChatML <|im_start|>, Llama 3 <|start_header_id|>). Choose chat_format: plain "
                + "(message contents as the prompt), chatml or llama3 explicitly.");
    }

    /** The format named {@code name} (plain, chatml, llama3). */
    public static ChatFormat of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "chat_format must be one of plain, chatml, llama3, got '" + name + "'", e);
        }
    }

    /**
     * The prompt text of {@code messages}.
     *
     * @param template the checkpoint's template (for ChatML's default system message), or null
     */
    public String render(List<Message> messages, String template) {
        StringBuilder b = new StringBuilder();
        switch (this) {
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

    /** The end-of-turn marker the model emits after its answer, or null (PLAIN: the model's EOS only). */
    public String endOfTurn() {
        return switch (this) {
            case PLAIN -> null;
            case CHATML -> "<|im_end|>";
            case LLAMA3 -> "<|eot_id|>";
        };
    }

    /** Whether the prompt starts with the BOS id (when the model has one): Llama-family base models and Llama 3. */
    boolean addsBos(ai.curator.lm.ModelConfig config) {
        return switch (this) {
            case PLAIN -> config.architecture() == ai.curator.lm.ModelConfig.Architecture.LLAMA;
            case CHATML -> false;
            case LLAMA3 -> true;
        };
    }
}
