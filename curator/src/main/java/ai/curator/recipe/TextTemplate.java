package ai.curator.recipe;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.RecipeException;
import ai.curator.api.Table;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a row, built from a template such as {@code "{question}\n{answer}"}.
 *
 * <p>{@code {field}} inserts the field's value; {@code {{} and {@code }}} are literal braces. A
 * chat field — a JSON array of {@code {"role": …, "content": …}} objects, like the {@code
 * messages} of chat data sets — renders one message per line as {@code role: content}. Other
 * nested values insert as JSON text, numbers in plain decimal.
 */
public final class TextTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final String option; // the recipe option holding the template, for messages
    private final List<String> literals = new ArrayList<>(); // literal before each field, plus tail
    private final List<String> fields = new ArrayList<>();

    /** Parses a template; an unclosed brace or an empty {@code {}} is a {@link RecipeException}. */
    public TextTemplate(String template) {
        this(template, "dataset.text");
    }

    /**
     * Parses a template held by recipe option {@code option} (named in messages, e.g. {@code
     * loss.prompt}).
     */
    public TextTemplate(String template, String option) {
        this.source = template;
        this.option = option;
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                lit.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new RecipeException(option + ": unclosed '{' at position " + i + " in \"" + template
                            + "\"; write '{{' for a literal brace");
                }
                String field = template.substring(i + 1, end).trim();
                if (field.isEmpty()) {
                    throw new RecipeException(option + ": empty field '{}' in \"" + template + "\"");
                }
                literals.add(lit.toString());
                lit.setLength(0);
                fields.add(field);
                i = end + 1;
            } else if (c == '}') {
                throw new RecipeException(option + ": stray '}' at position " + i + " in \"" + template
                        + "\"; write '}}' for a literal brace");
            } else {
                lit.append(c);
                i++;
            }
        }
        literals.add(lit.toString());
        if (fields.isEmpty()) {
            throw new RecipeException(option + " \"" + template + "\" names no field; write e.g. \"{question}\"");
        }
    }

    /** The fields the template reads, in order. */
    public List<String> fields() {
        return List.copyOf(fields);
    }

    /**
     * Checks that every field exists in {@code table} and is non-null in every row.
     *
     * @throws RecipeException naming a missing field and the columns there are
     * @throws DataException naming the first row (file line and id) where a field is null
     */
    public void check(Table table, String file) {
        for (String f : fields) {
            if (!table.hasColumn(f)) {
                throw new RecipeException(option + " \"" + source + "\" uses field '" + f + "', which " + file
                        + " does not have; its fields are " + table.columnNames());
            }
            Column c = table.column(f);
            for (int r = 0; r < table.rows(); r++) {
                if (c.isNull(r)) {
                    long line = table.sourceLine(r);
                    throw new DataException(file + (line > 0 ? ":" + line : "") + ": row " + r + " (id "
                            + table.idText(r) + ") has no value for '" + f + "', which " + option + " uses");
                }
            }
        }
    }

    /** The text of row {@code row} of {@code table} (fields checked by {@link #check}). */
    public String render(Table table, int row) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < fields.size(); k++) {
            sb.append(literals.get(k));
            Column c = table.column(fields.get(k));
            String v = c.text(row);
            sb.append(c.type() == Column.Type.JSON ? renderJson(v) : v);
        }
        sb.append(literals.get(fields.size()));
        return sb.toString();
    }

    /** Renders chat messages role by role; any other JSON as its text. */
    static String renderJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return json;
        }
        if (node.isArray() && node.size() > 0) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode m : node) {
                if (!m.isObject() || !m.has("role") || !m.has("content")) {
                    return json;
                }
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                JsonNode content = m.get("content");
                sb.append(m.get("role").asText())
                        .append(": ")
                        .append(content.isTextual() ? content.textValue() : content.toString());
            }
            return sb.toString();
        }
        return json;
    }

    @Override
    public String toString() {
        return source;
    }
}
