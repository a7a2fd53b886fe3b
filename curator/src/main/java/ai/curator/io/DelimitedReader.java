package ai.curator.io;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.api.Progress;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads CSV or TSV with a header row ({@code .gz} allowed; RFC 4180 quoting) into typed columns.
 *
 * <p>Two passes: the first finds each column's type — INT64 if every non-empty value is an
 * integer, FLOAT64 if every one is a number ({@code nan}, {@code inf} included, so that later
 * checks can name them), STRING otherwise — and the second fills typed arrays, so no value is
 * reformatted; a number beyond a double's range ({@code 1e400}) is text, not infinity. The file
 * is strict UTF-8 ({@link FileIo#openText}). Empty fields are nulls. In TSV, spaces around a
 * number or an empty field are ignored, but text keeps its spaces: a value is never changed. A row whose field count differs from the header's is an
 * error naming the file and line.
 */
public final class DelimitedReader {
    private DelimitedReader() {}

    /** Reads {@code path}; {@code tab} selects TSV, else CSV. */
    public static RawTable read(Path path, boolean tab) {
        return read(path, tab, Progress.none(), Progress.none());
    }

    /** As {@link #read(Path, boolean)}, reporting bytes read in each pass to its progress. */
    public static RawTable read(Path path, boolean tab, Progress pass1, Progress pass2) {
        return read(path, tab, pass1, pass2, Set.of());
    }

    /**
     * As {@link #read(Path, boolean, Progress, Progress)}; the columns named in {@code verbatim}
     * (the id column) are INT64 only when every value is an integer written the way it prints
     * back ({@code 7}, not {@code 007}, {@code +7} or {@code -0}), else text: an id must reach the
     * outputs as written, and {@code 7} and {@code 007} must not become one id.
     */
    public static RawTable read(Path path, boolean tab, Progress pass1, Progress pass2, Set<String> verbatim) {
        CSVFormat format = (tab ? CSVFormat.TDF : CSVFormat.RFC4180)
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(false) // TDF's default drops a text's own spaces
                .get();
        // Pass 1: header and types.
        String[] header;
        int[] kind; // 0 = all null so far, 1 = long, 2 = double, 3 = string
        int rows = 0;
        try (Reader r = reader(path, pass1);
                CSVParser p = CSVParser.parse(r, format)) {
            header = p.getHeaderNames().toArray(new String[0]);
            if (tab) {
                for (int c = 0; c < header.length; c++) {
                    header[c] = header[c].strip();
                }
            }
            checkHeader(path, header);
            kind = new int[header.length];
            boolean[] exact = new boolean[header.length];
            for (int c = 0; c < header.length; c++) {
                exact[c] = verbatim.contains(header[c]);
            }
            long prevLine = 1;
            for (CSVRecord rec : p) {
                long line = prevLine + 1;
                prevLine = p.getCurrentLineNumber();
                if (rec.size() != header.length) {
                    throw new DataException(
                            path + ":" + line + ": has " + rec.size() + " fields, the header has " + header.length);
                }
                for (int c = 0; c < header.length; c++) {
                    String v = rec.get(c);
                    String t = tab ? v.strip() : v; // TSV numbers may be padded; text is kept as written
                    if (t.isEmpty() || kind[c] == 3) {
                        continue;
                    }
                    Long asLong = parseLong(t);
                    int k = asLong != null ? 1 : parseDouble(t) != null ? 2 : 3;
                    if (exact[c] && (k == 2 || (k == 1 && !asLong.toString().equals(v)))) {
                        k = 3;
                    }
                    kind[c] = Math.max(kind[c], k);
                }
                rows++;
            }
        } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new DataException("Cannot parse " + path + ": " + e.getMessage(), e);
        }
        // Pass 2: values.
        long[][] longs = new long[header.length][];
        double[][] doubles = new double[header.length][];
        String[][] strings = new String[header.length][];
        BitSet[] nulls = new BitSet[header.length];
        for (int c = 0; c < header.length; c++) {
            nulls[c] = new BitSet();
            switch (kind[c]) {
                case 1 -> longs[c] = new long[rows];
                case 2 -> doubles[c] = new double[rows];
                default -> strings[c] = new String[rows];
            }
        }
        long[] lines = new long[rows];
        try (Reader r = reader(path, pass2);
                CSVParser p = CSVParser.parse(r, format)) {
            int row = 0;
            long prevLine = 1;
            for (CSVRecord rec : p) {
                lines[row] = prevLine + 1;
                prevLine = p.getCurrentLineNumber();
                for (int c = 0; c < header.length; c++) {
                    String v = rec.get(c);
                    String t = tab ? v.strip() : v;
                    if (t.isEmpty()) {
                        nulls[c].set(row);
                        continue;
                    }
                    switch (kind[c]) {
                        case 1 -> longs[c][row] = parseLong(t);
                        case 2 -> doubles[c][row] = parseDouble(t);
                        default -> strings[c][row] = v;
                    }
                }
                row++;
            }
        } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new DataException("Cannot parse " + path + ": " + e.getMessage(), e);
        }
        List<Column> columns = new ArrayList<>(header.length);
        for (int c = 0; c < header.length; c++) {
            columns.add(
                    switch (kind[c]) {
                        case 1 -> Column.ofLongs(header[c], longs[c], nulls[c]);
                        case 2 -> Column.ofDoubles(header[c], doubles[c], nulls[c]);
                        default -> Column.ofStrings(header[c], strings[c]);
                    });
        }
        return new RawTable(columns, rows, lines);
    }

    private static void checkHeader(Path path, String[] header) {
        if (header.length == 0) {
            throw new DataException(path + ": no header row (the first line must name the columns)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.length; i++) {
            if (header[i].isBlank()) {
                throw new DataException(path + ":1: column " + (i + 1) + " of the header has no name");
            }
            if (!seen.add(header[i])) {
                throw new DataException(path + ":1: the header names column '" + header[i] + "' twice");
            }
        }
    }

    private static Reader reader(Path path, Progress progress) throws IOException {
        return FileIo.openText(path, progress);
    }

    static Long parseLong(String s) {
        int n = s.length();
        if (n == 0 || n > 19) {
            return null;
        }
        int i = (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (i == n) {
            return null;
        }
        for (int j = i; j < n; j++) {
            char ch = s.charAt(j);
            if (ch < '0' || ch > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Double parseDouble(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "nan", "+nan", "-nan":
                return Double.NaN;
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        char c0 = s.charAt(0);
        if (!(Character.isDigit(c0) || c0 == '-' || c0 == '+' || c0 == '.')) {
            return null;
        }
        char last = s.charAt(s.length() - 1);
        if (!(Character.isDigit(last) || last == '.')) {
            return null; // rejects Java-only forms such as "1d" or "2f"
        }
        try {
            double d = Double.parseDouble(s);
            // "1e400" is beyond a double: text, not a silent infinity (features then name the cell)
            return Double.isInfinite(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
