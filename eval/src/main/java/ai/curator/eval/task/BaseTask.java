package ai.curator.eval.task;

import ai.curator.api.EvalTask;
import ai.curator.api.Generator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the three tasks share: reading a file into examples (row ids, HALO's prompt or a template).
 * A subclass says how a row gives its fields, HALO's user text and its reference.
 */
abstract class BaseTask implements EvalTask {

    /** HALO's user text for a row (after {@link #fields}). */
    abstract String haloPrompt(Map<String, String> fields);

    /** The reference response of a row (after {@link #fields}). */
    abstract String reference(Map<String, String> fields);

    /**
     * The row's fields as templates and scorers see them; checks that the row has what the task
     * needs (a {@link ai.curator.api.DataException} naming file and line otherwise).
     */
    abstract Map<String, String> fields(Path file, DataRows.Row row);

    @Override
    public List<Example> examples(Path file, String template) {
        PromptTemplate t = template == null ? null : new PromptTemplate(template);
        List<DataRows.Row> rows = DataRows.read(file);
        List<Example> out = new ArrayList<>(rows.size());
        for (DataRows.Row row : rows) {
            Map<String, String> f = fields(file, row);
            String text = t == null ? haloPrompt(f) : t.render(f, file, row.line());
            out.add(new Example(
                    rowId(row), List.of(new Generator.Message("user", text)), reference(f), f, fault(file, row, f)));
        }
        return out;
    }

    /** A fault that stops a metric but not the row (see {@link Example#fault}); none by default. */
    String fault(Path file, DataRows.Row row, Map<String, String> fields) {
        return null;
    }

    /** The row's {@code id} (or {@code idx}) field where it has one, else its 0-based index. */
    static String rowId(DataRows.Row row) {
        String id = row.fields().get("id");
        if (id == null) {
            id = row.fields().get("idx");
        }
        return id != null ? id : Integer.toString(row.index());
    }
}
