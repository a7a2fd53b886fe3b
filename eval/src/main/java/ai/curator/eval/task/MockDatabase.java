package ai.curator.eval.task;

import ai.curator.api.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock tables of one SQL example: its {@code CREATE TABLE} statements (the prompt's context)
 * and the rows of its {@code data_table} ({@code {"table": [{"column": value, …}, …]}}), checked
 * against each other when read so that a row that does not fit its schema is reported before any
 * model is asked.
 *
 * @param creates each {@code CREATE TABLE} statement
 * @param columns each table's column names (lower case), by lower-case table name
 * @param rows each table's rows (column name → JSON string or number), by table name as written
 */
public record MockDatabase(
        List<String> creates, Map<String, List<String>> columns, Map<String, List<Map<String, JsonNode>>> rows) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREATE = Pattern.compile("(?is)^\\s*CREATE\\s+TABLE\\s+([^\\s(]+)\\s*\\((.*)\\)\\s*$");

    /**
     * Parses and checks an example's tables.
     *
     * @param context the {@code CREATE TABLE} statements, separated by {@code ;}
     * @param dataTable the mock rows as JSON text
     * @param where where the example is (file, line, id), for error messages
     * @throws DataException when the context is not a list of {@code CREATE TABLE}s, the JSON is
     *     malformed, a table or column of the rows is not in the schema, or a value is not a string,
     *     number or null
     */
    public static MockDatabase parse(String context, String dataTable, String where) {
        List<String> creates = new ArrayList<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (String stmt : context.split(";")) {
            if (stmt.isBlank()) {
                continue;
            }
            Matcher m = CREATE.matcher(stmt);
            if (!m.matches()) {
                throw new DataException(where + ": context is not a CREATE TABLE statement: \"" + stmt.strip() + "\"");
            }
            List<String> cols = new ArrayList<>();
            for (String def : m.group(2).split(",")) {
                String name = def.strip().split("\\s+")[0];
                if (name.isEmpty() || !name.matches("[^\"'`()\\[\\];]+")) {
                    throw new DataException(where + ": column definition \"" + def.strip() + "\" in CREATE TABLE "
                            + m.group(1) + " has no plain column name");
                }
                cols.add(name.toLowerCase(Locale.ROOT));
            }
            columns.put(m.group(1).toLowerCase(Locale.ROOT), List.copyOf(cols));
            creates.add(stmt.strip());
        }
        if (creates.isEmpty()) {
            throw new DataException(where + ": empty context (no CREATE TABLE)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(dataTable);
        } catch (java.io.IOException e) {
            throw new DataException(where + ": data_table is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new DataException(where + ": data_table is not a JSON object of tables");
        }
        Map<String, List<Map<String, JsonNode>>> rows = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : root.properties()) {
            List<String> cols = columns.get(t.getKey().toLowerCase(Locale.ROOT));
            if (cols == null) {
                throw new DataException(where + ": data_table has rows for table '" + t.getKey()
                        + "', which the context does not create (tables: " + String.join(", ", columns.keySet())
                        + ")");
            }
            if (!t.getValue().isArray()) {
                throw new DataException(where + ": data_table." + t.getKey() + " is not a list of rows");
            }
            List<Map<String, JsonNode>> list = new ArrayList<>();
            int r = 0;
            for (JsonNode row : t.getValue()) {
                if (!row.isObject()) {
                    throw new DataException(where + ": data_table." + t.getKey() + "[" + r + "] is not an object");
                }
                Map<String, JsonNode> values = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> v : row.properties()) {
                    if (!cols.contains(v.getKey().toLowerCase(Locale.ROOT))) {
                        throw new DataException(where + ": data_table." + t.getKey() + "[" + r + "] has column '"
                                + v.getKey() + "', which table " + t.getKey() + " does not have (columns: "
                                + String.join(", ", cols) + ")");
                    }
                    JsonNode val = v.getValue();
                    if (!(val.isTextual() || val.isNumber() || val.isNull())) {
                        throw new DataException(where + ": data_table." + t.getKey() + "[" + r + "]." + v.getKey()
                                + " is " + val.getNodeType().name().toLowerCase(Locale.ROOT)
                                + ", expected a string, a number or null");
                    }
                    values.put(v.getKey(), val);
                }
                list.add(values);
                r++;
            }
            rows.put(t.getKey(), list);
        }
        return new MockDatabase(List.copyOf(creates), Map.copyOf(columns), rows);
    }
}
