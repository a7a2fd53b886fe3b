package ai.curator.eval.task;

import ai.curator.api.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * Runs a gold and a predicted query on an example's mock tables and compares their results, for
 * execution accuracy. Model output is untrusted SQL, so each example gets its own in-memory SQLite
 * database, which is switched to {@code query_only} once the mock rows are in; {@code ATTACH} is
 * disabled (no files), only a single (tail-free) {@code SELECT}/{@code WITH}/{@code VALUES} statement is run, a
 * progress handler aborts a query after {@link Options#timeoutMillis}, and a result longer than
 * {@link Options#maxRows} rows is an error rather than a memory hazard.
 *
 * <p>Results compare as multisets of rows (row order ignored, column order kept); numbers compare
 * by value ({@code 5} = {@code 5.0}); text compares exactly.
 */
public final class SqlExecutor {
    /**
     * Bounds on one query.
     *
     * @param timeoutMillis a query still running after this long is aborted; &ge; 1, default 2000
     * @param maxRows a result with more rows is an error; &ge; 1, default 100,000
     */
    public record Options(Long timeoutMillis, Integer maxRows) {
        public Options {
            timeoutMillis = timeoutMillis == null ? 2000L : timeoutMillis;
            maxRows = maxRows == null ? 100_000 : maxRows;
            if (timeoutMillis < 1) {
                throw new IllegalArgumentException("sql timeout_millis must be >= 1, got " + timeoutMillis);
            }
            if (maxRows < 1) {
                throw new IllegalArgumentException("sql max_rows must be >= 1, got " + maxRows);
            }
        }

        public static Options defaults() {
            return new Options(null, null);
        }
    }

    /** A query's rows (each row canonical text, sorted), or its error. */
    public record Result(List<String> rows, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** The outcome of one comparison. */
    public record Outcome(boolean same, Result gold, Result prediction) {}

    private final Options options;

    public SqlExecutor(Options options) {
        this.options = options;
    }

    /**
     * Runs {@code gold} and {@code prediction} on a fresh database holding {@code db}'s tables.
     *
     * @throws DataException when the mock tables cannot be loaded (a row that does not fit its schema)
     */
    public Outcome compare(MockDatabase db, String gold, String prediction, String where) {
        try (Connection c = open(db, where)) {
            Result g = query(c, gold);
            Result p = query(c, prediction);
            return new Outcome(g.ok() && p.ok() && g.rows().equals(p.rows()), g, p);
        } catch (SQLException e) {
            throw new DataException(where + ": cannot close the mock database: " + e.getMessage(), e);
        }
    }

    /** Runs one query on a fresh database holding {@code db}'s tables. */
    public Result run(MockDatabase db, String sql, String where) {
        try (Connection c = open(db, where)) {
            return query(c, sql);
        } catch (SQLException e) {
            throw new DataException(where + ": cannot close the mock database: " + e.getMessage(), e);
        }
    }

    /**
     * Loads {@code db} into a fresh database and drops it: checks that SQLite accepts the schema
     * and every row.
     *
     * @throws DataException naming {@code where} and SQLite's complaint otherwise
     */
    public void check(MockDatabase db, String where) {
        try {
            open(db, where).close();
        } catch (SQLException e) {
            throw new DataException(where + ": cannot close the mock database: " + e.getMessage(), e);
        }
    }

    private Connection open(MockDatabase db, String where) {
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite::memory:");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory SQLite database: " + e.getMessage(), e);
        }
        try {
            SQLiteConnection sc = c.unwrap(SQLiteConnection.class);
            sc.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
            sc.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, 1_000_000);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA temp_store = MEMORY");
                for (String create : db.creates()) {
                    s.execute(create);
                }
            }
            for (Map.Entry<String, List<Map<String, JsonNode>>> t : db.rows().entrySet()) {
                int r = 0;
                for (Map<String, JsonNode> row : t.getValue()) {
                    insert(c, t.getKey(), row, where + ": data_table." + t.getKey() + "[" + r + "]");
                    r++;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only = 1");
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the load error is the one to report
            }
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException(where + ": cannot load the mock tables: " + e.getMessage(), e);
        }
    }

    private static void insert(Connection c, String table, Map<String, JsonNode> row, String where) {
        if (row.isEmpty()) {
            return;
        }
        List<String> cols = new ArrayList<>(row.keySet());
        String sql = "INSERT INTO \"" + table + "\" ("
                + String.join(", ", cols.stream().map(k -> "\"" + k + "\"").toList()) + ") VALUES ("
                + String.join(", ", Collections.nCopies(cols.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int k = 0; k < cols.size(); k++) {
                JsonNode v = row.get(cols.get(k));
                if (v.isNull()) {
                    ps.setNull(k + 1, java.sql.Types.NULL);
                } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                    ps.setLong(k + 1, v.longValue());
                } else if (v.isNumber()) {
                    ps.setDouble(k + 1, v.doubleValue());
                } else {
                    ps.setString(k + 1, v.textValue());
                }
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataException(where + " does not fit table " + table + ": " + firstLine(e.getMessage()), e);
        }
    }

    private Result query(Connection c, String sql) {
        String head = leadingWord(sql);
        if (!(head.equals("select") || head.equals("with") || head.equals("values"))) {
            return new Result(List.of(), "not a query (starts with '" + head + "'); only SELECT, WITH or VALUES runs");
        }
        List<String> tokens = SqlNormalizer.tokens(sql);
        while (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals(";")) {
            tokens.remove(tokens.size() - 1);
        }
        if (tokens.contains(";")) {
            return new Result(List.of(), "more than one statement");
        }
        // sqlite-jdbc reports "Query does not return results" for a query with a trailing ';'
        String one = PyStrings.strip(sql);
        while (one.endsWith(";")) {
            one = PyStrings.strip(one.substring(0, one.length() - 1));
        }
        long deadline = System.nanoTime() + options.timeoutMillis() * 1_000_000L;
        try {
            ProgressHandler.setHandler(c, 1000, new ProgressHandler() {
                @Override
                protected int progress() {
                    return System.nanoTime() > deadline ? 1 : 0;
                }
            });
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(one);
                    ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                while (rs.next()) {
                    if (rows.size() >= options.maxRows()) {
                        return new Result(List.of(), "more than " + options.maxRows() + " rows");
                    }
                    StringBuilder sb = new StringBuilder("(");
                    for (int k = 1; k <= n; k++) {
                        if (k > 1) {
                            sb.append(", ");
                        }
                        sb.append(canonical(rs.getObject(k)));
                    }
                    rows.add(sb.append(')').toString());
                }
            }
            Collections.sort(rows);
            return new Result(rows, null);
        } catch (SQLException e) {
            String msg = firstLine(e.getMessage());
            if (System.nanoTime() > deadline) {
                msg = "timed out after " + options.timeoutMillis() + " ms (" + msg + ")";
            }
            return new Result(List.of(), msg);
        } finally {
            try {
                ProgressHandler.clearHandler(c);
            } catch (SQLException ignored) {
                // the connection is closed right after
            }
        }
    }

    /** A value as comparable text: numbers by value (integral doubles as integers), text quoted. */
    static String canonical(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Number num) {
            double d = num.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        if (v instanceof byte[] b) {
            return "x'" + java.util.HexFormat.of().formatHex(b) + "'";
        }
        return "'" + v.toString().replace("'", "''") + "'";
    }

    private static String leadingWord(String sql) {
        String s = sql.strip();
        while (true) {
            if (s.startsWith("--")) {
                int nl = s.indexOf('\n');
                s = nl < 0 ? "" : s.substring(nl + 1).strip();
            } else if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).strip();
            } else if (s.startsWith("(")) {
                s = s.substring(1).strip();
            } else {
                break;
            }
        }
        int k = 0;
        while (k < s.length() && Character.isLetter(s.charAt(k))) {
            k++;
        }
        return s.substring(0, k).toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
