package ai.curator.eval.task;

import ai.curator.api.RecipeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A user-turn template: {@code {field}} inserts a row field, {@code {{} and {@code }}} are literal
 * braces. Used when a prompt other than HALO's is asked for.
 */
public final class PromptTemplate {
    private final String source;
    private final List<String> literals = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();

    /** Parses a template; an unclosed or stray brace is a {@link RecipeException}. */
    public PromptTemplate(String template) {
        this.source = template;
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
                lit.append(c);
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0 || end == i + 1) {
                    throw new RecipeException("prompt template: " + (end < 0 ? "unclosed '{'" : "empty '{}'")
                            + " at position " + i + " in \"" + template + "\"; write '{{' for a literal brace");
                }
                literals.add(lit.toString());
                lit.setLength(0);
                fields.add(template.substring(i + 1, end).trim());
                i = end + 1;
            } else if (c == '}') {
                throw new RecipeException("prompt template: stray '}' at position " + i + " in \"" + template
                        + "\"; write '}}' for a literal brace");
            } else {
                lit.append(c);
                i++;
            }
        }
        literals.add(lit.toString());
    }

    /** The text for one row; a field the row lacks is a {@link RecipeException} naming file and line. */
    public String render(Map<String, String> row, Path file, long line) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < fields.size(); k++) {
            sb.append(literals.get(k));
            String v = row.get(fields.get(k));
            if (v == null) {
                throw new RecipeException("prompt template \"" + source + "\" names field '" + fields.get(k) + "', but "
                        + file + " line " + line + " has only: " + String.join(", ", row.keySet()));
            }
            sb.append(v);
        }
        sb.append(literals.get(fields.size()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
