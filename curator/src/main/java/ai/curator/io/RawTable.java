package ai.curator.io;

import ai.curator.api.Column;
import java.util.List;

/**
 * Columns as a reader found them, before ids are assigned.
 *
 * @param columns the columns in file order
 * @param rows the row count (columns may be empty when a file has no fields)
 * @param lines each row's 1-based line in the file, or null where lines mean nothing (Parquet, Arrow)
 */
public record RawTable(List<Column> columns, int rows, long[] lines) {}
