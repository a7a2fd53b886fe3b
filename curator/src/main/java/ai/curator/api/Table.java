package ai.curator.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rows of a data set as immutable, equally long named columns, in file order.
 *
 * <p>Every row has a stable id: the values of {@link #idColumn()} when the data names one, else
 * the row's 0-based index in the input. Row {@code i} of every column belongs to the same input
 * record; {@link #sourceLine(int)} gives the record's line in its file for error messages.
 */
public final class Table {
    private final List<Column> columns;
    private final Map<String, Column> byName;
    private final int rows;
    private final String idColumn; // null: row index
    private final long[] sourceLines; // may be null

    /**
     * @param columns equally long columns with distinct names
     * @param idColumn the column holding row ids, or null to use the row index
     * @param sourceLines 1-based line of each row in its input file, or null if unknown
     */
    public Table(List<Column> columns, String idColumn, long[] sourceLines) {
        this.columns = List.copyOf(columns);
        this.byName = new LinkedHashMap<>();
        int n = -1;
        for (Column c : this.columns) {
            if (byName.put(c.name(), c) != null) {
                throw new IllegalArgumentException("Duplicate column name '" + c.name() + "'");
            }
            if (n >= 0 && c.size() != n) {
                throw new IllegalArgumentException(
                        "Column '" + c.name() + "' has " + c.size() + " rows, others have " + n);
            }
            n = c.size();
        }
        if (n < 0) {
            throw new IllegalArgumentException("A table needs at least one column");
        }
        if (idColumn != null && !byName.containsKey(idColumn)) {
            throw new IllegalArgumentException("No id column '" + idColumn + "'");
        }
        if (sourceLines != null && sourceLines.length != n) {
            throw new IllegalArgumentException("sourceLines has " + sourceLines.length + " rows, table " + n);
        }
        this.rows = n;
        this.idColumn = idColumn;
        this.sourceLines = sourceLines;
    }

    public int rows() {
        return rows;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (Column c : columns) {
            names.add(c.name());
        }
        return Collections.unmodifiableList(names);
    }

    public boolean hasColumn(String name) {
        return byName.containsKey(name);
    }

    /** The column called {@code name}; throws an {@link IllegalArgumentException} listing the names. */
    public Column column(String name) {
        Column c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("No column '" + name + "'; columns are " + columnNames());
        }
        return c;
    }

    /** The column holding the ids, or null when ids are row indices. */
    public String idColumn() {
        return idColumn;
    }

    /** The 1-based line of row {@code row} in its input file, or -1 when unknown. */
    public long sourceLine(int row) {
        return sourceLines == null ? -1 : sourceLines[row];
    }

    /** The id of a row as text (for messages): the id column's value or the row index. */
    public String idText(int row) {
        return idColumn == null ? Integer.toString(row) : byName.get(idColumn).text(row);
    }

    /** A table of the rows at {@code rows} (in that order), keeping column names, types and ids. */
    public Table select(int[] rows) {
        List<Column> picked = new ArrayList<>(columns.size());
        for (Column c : columns) {
            picked.add(c.select(rows));
        }
        long[] lines = null;
        if (sourceLines != null) {
            lines = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                lines[i] = sourceLines[rows[i]];
            }
        }
        return new Table(picked, idColumn, lines);
    }

    /** This table with {@code column} appended. */
    public Table withColumn(Column column) {
        Objects.requireNonNull(column, "column");
        List<Column> all = new ArrayList<>(columns);
        all.add(column);
        return new Table(all, idColumn, sourceLines);
    }

    @Override
    public String toString() {
        return "Table[" + rows + " rows, " + columns + "]";
    }
}
