package ai.curator.score;

import ai.curator.api.PromptResponse;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import ai.curator.recipe.TextTemplate;

/**
 * Prompt and response from two {@link TextTemplate}s over the row's fields, e.g. {@code prompt:
 * "Question: {question}\nAnswer:"} and {@code response: " {answer}"}. The texts are joined as
 * written — prompt then response, nothing between — so put any separator in a template.
 */
public final class TemplatePromptResponse implements PromptResponse {
    private final TextTemplate prompt;
    private final TextTemplate response;

    private TemplatePromptResponse(TextTemplate prompt, TextTemplate response) {
        this.prompt = prompt;
        this.response = response;
    }

    /**
     * The templates of options {@code loss.prompt} and {@code loss.response}.
     *
     * @throws IllegalArgumentException when either is missing
     * @throws RecipeException when either does not parse
     */
    public static TemplatePromptResponse of(String prompt, String response, String source) {
        if (prompt == null || response == null) {
            throw new IllegalArgumentException("loss.source '" + source
                    + "' scores each row's response given its prompt; set loss.prompt and loss.response,"
                    + " templates over the data's fields, e.g. prompt: \"{question}\", response: \" {answer}\"");
        }
        return new TemplatePromptResponse(
                new TextTemplate(prompt, "loss.prompt"), new TextTemplate(response, "loss.response"));
    }

    /** The fields both templates read. */
    public java.util.List<String> fields() {
        java.util.List<String> f = new java.util.ArrayList<>(prompt.fields());
        f.addAll(response.fields());
        return f;
    }

    @Override
    public void check(Table table, String file) {
        prompt.check(table, file);
        response.check(table, file);
    }

    @Override
    public Text text(Table table, int row) {
        return new Text(prompt.render(table, row), response.render(table, row));
    }

    @Override
    public String identity() {
        return "prompt=" + prompt + "\u0000response=" + response;
    }
}
