package ai.curator.eval.task;

import ai.curator.api.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text-to-SQL in HALO's chat format (sql-create-context rows: a CREATE TABLE context and a question
 * → one query). Rows are either chat pairs ({@code {"messages": [user, assistant]}}, as in HALO's
 * {@code valid.jsonl} and the training file) or mock-table rows ({@code context}, {@code question},
 * {@code sql_query}, {@code data_table}, {@code idx}, as in {@code valid_including_mock_tables}),
 * whose prompt is built in HALO's wording. Metrics:
 *
 * <ul>
 *   <li>{@code exact} (headline, HALO's rule): prediction and reference equal after stripping.
 *   <li>{@code normalized}: equal after {@link SqlNormalizer} (white space, keyword and identifier
 *       case, quote style).
 *   <li>{@code execution} (rows with mock tables only): gold and prediction run on the example's
 *       mock tables with SQLite ({@link SqlExecutor}) give the same multiset of rows; a predicted
 *       query that fails counts as wrong and its error is kept. A row whose mock tables SQLite
 *       cannot load ({@link Example#fault}) or whose gold query fails is left out of this metric
 *       (on the published file: 3 and 3 of 770).
 * </ul>
 *
 * <p>The {@code mock} split's gold queries are lower-cased as published, literals included.
 */
public final class SqlTask extends BaseTask {
    /** HALO's instruction, before {@code context: } and {@code question: }. */
    public static final String INSTRUCTION = "Write a SQL query to answer the question based on the table schema.";

    private static final Pattern USER = Pattern.compile("(?s).*?\\n\\n context: (.*)\\n\\n question: (.*)");

    private static final List<Split> SPLITS = List.of(
            new Split("valid", "halo_sql/valid.jsonl", 1000),
            new Split("mock", "halo_sql/valid_including_mock_tables.jsonl", 770),
            new Split("train", "sql_train/train.jsonl", 11926));

    private static final List<Metric> METRICS = List.of(
            new Metric("exact", "HALO: the same string after stripping"),
            new Metric("normalized", "the same after normalising white space, case and quotes"),
            new Metric("execution", "the same result rows on the mock tables (SQLite)"));

    private final SqlExecutor executor;

    /** The task with default query bounds (the {@link java.util.ServiceLoader} constructor). */
    public SqlTask() {
        this(SqlExecutor.Options.defaults());
    }

    /** The task with the given bounds on each executed query. */
    public SqlTask(SqlExecutor.Options options) {
        this.executor = new SqlExecutor(options);
    }

    @Override
    public String name() {
        return "sql";
    }

    @Override
    public String description() {
        return "text-to-SQL (sql-create-context); HALO's exact string match, plus execution on mock tables";
    }

    @Override
    public List<Split> splits() {
        return SPLITS;
    }

    @Override
    public String defaultSplit() {
        return "valid";
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    Map<String, String> fields(Path file, DataRows.Row row) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonNode msgs = row.json() == null ? null : row.json().get("messages");
        String where = file + " line " + row.line();
        if (msgs != null) {
            if (!msgs.isArray()
                    || msgs.size() < 2
                    || !msgs.get(0).path("content").isTextual()
                    || !msgs.get(1).path("content").isTextual()) {
                throw new DataException(where + ": 'messages' must hold a user and an assistant message with content");
            }
            String user = msgs.get(0).get("content").textValue();
            f.put("prompt", user);
            f.put("answer", msgs.get(1).get("content").textValue());
            Matcher m = USER.matcher(user);
            if (m.matches()) {
                f.put("context", m.group(1));
                f.put("question", m.group(2));
            }
        } else {
            String context = DataRows.require(file, row, "context");
            String question = DataRows.require(file, row, "question");
            f.putAll(row.fields());
            f.put("prompt", INSTRUCTION + "\n\n context: " + context + "\n\n question: " + question);
            f.put("answer", DataRows.require(file, row, "sql_query"));
        }
        return f;
    }

    /** Mock tables that do not fit their schema, checked when read (before any model is asked). */
    @Override
    String fault(Path file, DataRows.Row row, Map<String, String> fields) {
        String tables = fields.get("data_table");
        if (tables == null) {
            return null;
        }
        try {
            String where = file + " line " + row.line() + " (id " + rowId(row) + ")";
            executor.check(MockDatabase.parse(fields.get("context"), tables, where), where);
            return null;
        } catch (DataException e) {
            return e.getMessage();
        }
    }

    @Override
    String haloPrompt(Map<String, String> fields) {
        return fields.get("prompt");
    }

    @Override
    String reference(Map<String, String> fields) {
        return fields.get("answer");
    }

    @Override
    public String extract(String output) {
        return PyStrings.strip(output);
    }

    @Override
    public Scored score(Example example, String prediction) {
        String pred = PyStrings.strip(prediction);
        String gold = PyStrings.strip(example.reference());
        Map<String, Tally> m = new LinkedHashMap<>();
        m.put("exact", Tally.of(pred.equals(gold)));
        m.put("normalized", Tally.of(SqlNormalizer.normalize(pred).equals(SqlNormalizer.normalize(gold))));
        String error = null;
        String tables = example.fields().get("data_table");
        if (example.fault() != null) {
            error = "no execution accuracy: " + example.fault();
        } else if (tables != null) {
            String where = "id " + example.id();
            MockDatabase db = MockDatabase.parse(example.fields().get("context"), tables, where);
            SqlExecutor.Outcome o = executor.compare(db, gold, pred, where);
            if (!o.gold().ok()) {
                // nothing to compare with: the example does not count for execution accuracy
                error = "no execution accuracy: the gold query fails: "
                        + o.gold().error();
            } else {
                m.put("execution", Tally.of(o.same()));
                error = o.prediction().error();
            }
        }
        return new Scored(pred, m, error);
    }

    /** Runs the reference query alone on the example's mock tables (for checking the data). */
    public SqlExecutor.Result runGold(Example example) {
        if (example.fault() != null) {
            throw new DataException(example.fault());
        }
        String tables = example.fields().get("data_table");
        if (tables == null) {
            throw new DataException("id " + example.id() + " has no mock tables (data_table)");
        }
        String where = "id " + example.id();
        return executor.run(
                MockDatabase.parse(example.fields().get("context"), tables, where), example.reference(), where);
    }
}
