package ai.curator.api;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * One named, typed, immutable column of a {@link Table}.
 *
 * <p>Types: {@code STRING} (UTF-8 text), {@code INT64}, {@code FLOAT64}, {@code BOOL}, and {@code
 * JSON} for nested values (arrays, objects, or a field whose rows mix types), kept as canonical
 * JSON text so that JSONL output reproduces them exactly. Any row may be null.
 */
public final class Column {

    /** The value type of a column. */
    public enum Type {
        STRING,
        INT64,
        FLOAT64,
        BOOL,
        JSON;

        /** True for the numeric types a feature matrix can be built from. */
        public boolean isNumeric() {
            return this == INT64 || this == FLOAT64;
        }
    }

    private final String name;
    private final Type type;
    private final int size;
    private final String[] strings; // STRING and JSON
    private final long[] longs;
    private final double[] doubles;
    private final float[] floats; // FLOAT64 values read from single-precision storage: half the memory
    private final boolean[] bools;
    // JSON columns read from lists of single-precision floats: row r's list is
    // listValues[listStarts[r] .. listStarts[r + 1]), its JSON text rendered when asked
    private final float[] listValues;
    private final int[] listStarts;
    private final BitSet nulls; // primitive types and float lists only

    private Column(
            String name,
            Type type,
            int size,
            String[] strings,
            long[] longs,
            double[] doubles,
            float[] floats,
            boolean[] bools,
            float[] listValues,
            int[] listStarts,
            BitSet nulls) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.size = size;
        this.strings = strings;
        this.longs = longs;
        this.doubles = doubles;
        this.floats = floats;
        this.bools = bools;
        this.listValues = listValues;
        this.listStarts = listStarts;
        this.nulls = nulls == null ? new BitSet() : nulls;
    }

    /** A text column; null entries are nulls. The array is taken, not copied. */
    public static Column ofStrings(String name, String[] values) {
        return new Column(name, Type.STRING, values.length, values, null, null, null, null, null, null, null);
    }

    /** A column of canonical JSON texts; null entries are nulls. The array is taken, not copied. */
    public static Column ofJson(String name, String[] json) {
        return new Column(name, Type.JSON, json.length, json, null, null, null, null, null, null, null);
    }

    /** An integer column; rows set in {@code nulls} (may be null) are nulls. Arrays are taken. */
    public static Column ofLongs(String name, long[] values, BitSet nulls) {
        return new Column(name, Type.INT64, values.length, null, values, null, null, null, null, null, nulls);
    }

    /** A floating-point column; rows set in {@code nulls} (may be null) are nulls. Arrays are taken. */
    public static Column ofDoubles(String name, double[] values, BitSet nulls) {
        return new Column(name, Type.FLOAT64, values.length, null, null, values, null, null, null, null, nulls);
    }

    /**
     * A floating-point column of single-precision values (Parquet/Arrow {@code float}): a FLOAT64
     * column whose every value is {@code (double)} of the float, kept in half the memory. Arrays are
     * taken.
     */
    public static Column ofFloats(String name, float[] values, BitSet nulls) {
        return new Column(name, Type.FLOAT64, values.length, null, null, null, values, null, null, null, nulls);
    }

    /**
     * A JSON column of lists of single-precision numbers, kept as floats ({@code starts[r] …
     * starts[r + 1]} in {@code values} are row r's; rows in {@code nulls} are nulls): each row's text
     * is the JSON array of its floats as Jackson writes a list of {@code Float} ({@link
     * Float#toString} each), rendered when asked. Arrays are taken.
     */
    public static Column ofFloatLists(String name, float[] values, int[] starts, BitSet nulls) {
        return new Column(name, Type.JSON, starts.length - 1, null, null, null, null, null, values, starts, nulls);
    }

    /** True for a column of float lists ({@link #ofFloatLists}), whose rows {@link #floatList} reads. */
    public boolean hasFloatLists() {
        return listValues != null;
    }

    /** Row {@code row}'s floats of a {@link #ofFloatLists} column (a copy; null for a null row). */
    public float[] floatList(int row) {
        if (listValues == null) {
            throw new IllegalStateException("Column '" + name + "' is not a column of float lists");
        }
        return nulls.get(row) ? null : Arrays.copyOfRange(listValues, listStarts[row], listStarts[row + 1]);
    }

    /** A boolean column; rows set in {@code nulls} (may be null) are nulls. Arrays are taken. */
    public static Column ofBools(String name, boolean[] values, BitSet nulls) {
        return new Column(name, Type.BOOL, values.length, null, null, null, null, values, null, null, nulls);
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public int size() {
        return size;
    }

    public boolean isNull(int row) {
        return switch (type) {
            case STRING, JSON -> listValues != null ? nulls.get(row) : strings[row] == null;
            default -> nulls.get(row);
        };
    }

    /** The text of a STRING or JSON row (null for a null row). */
    public String string(int row) {
        requireType(Type.STRING, Type.JSON);
        return listValues != null ? listText(row) : strings[row];
    }

    /** The value of an INT64 row (0 for a null row: check {@link #isNull}). */
    public long int64(int row) {
        requireType(Type.INT64);
        return longs[row];
    }

    /** The value of a numeric row as a double (NaN for a null row). */
    public double number(int row) {
        if (type == Type.INT64) {
            return nulls.get(row) ? Double.NaN : longs[row];
        }
        requireType(Type.FLOAT64);
        return nulls.get(row) ? Double.NaN : floats != null ? floats[row] : doubles[row];
    }

    public boolean bool(int row) {
        requireType(Type.BOOL);
        return bools[row];
    }

    /** The row as text, as a template would show it: numbers in plain decimal, JSON as its text. */
    public String text(int row) {
        if (isNull(row)) {
            return null;
        }
        return switch (type) {
            case STRING, JSON -> string(row);
            case INT64 -> Long.toString(longs[row]);
            case FLOAT64 -> Double.toString(floats != null ? floats[row] : doubles[row]);
            case BOOL -> Boolean.toString(bools[row]);
        };
    }

    /** The rows at {@code rows}, in that order, as a new column with the same name and type. */
    public Column select(int[] rows) {
        BitSet picked = new BitSet();
        for (int i = 0; i < rows.length; i++) {
            if (isNull(rows[i])) {
                picked.set(i);
            }
        }
        return switch (type) {
            case STRING -> ofStrings(name, pick(strings, rows));
            case JSON -> {
                if (listValues == null) {
                    yield ofJson(name, pick(strings, rows));
                }
                int[] starts = new int[rows.length + 1];
                for (int i = 0; i < rows.length; i++) {
                    starts[i + 1] = starts[i] + (listStarts[rows[i] + 1] - listStarts[rows[i]]);
                }
                float[] values = new float[starts[rows.length]];
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(listValues, listStarts[rows[i]], values, starts[i], starts[i + 1] - starts[i]);
                }
                yield ofFloatLists(name, values, starts, picked);
            }
            case INT64 -> {
                long[] out = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = longs[rows[i]];
                }
                yield ofLongs(name, out, picked);
            }
            case FLOAT64 -> {
                if (floats != null) {
                    float[] out = new float[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        out[i] = floats[rows[i]];
                    }
                    yield ofFloats(name, out, picked);
                }
                double[] out = new double[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = doubles[rows[i]];
                }
                yield ofDoubles(name, out, picked);
            }
            case BOOL -> {
                boolean[] out = new boolean[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = bools[rows[i]];
                }
                yield ofBools(name, out, picked);
            }
        };
    }

    /** The same values under another name. */
    public Column renamed(String newName) {
        return new Column(newName, type, size, strings, longs, doubles, floats, bools, listValues, listStarts, nulls);
    }

    /** Row {@code row}'s float list as JSON text: {@code [f0,f1,…]}, each by {@link Float#toString}. */
    private String listText(int row) {
        if (nulls.get(row)) {
            return null;
        }
        StringBuilder b = new StringBuilder(2 + 12 * (listStarts[row + 1] - listStarts[row]));
        b.append('[');
        for (int k = listStarts[row]; k < listStarts[row + 1]; k++) {
            if (k > listStarts[row]) {
                b.append(',');
            }
            b.append(Float.toString(listValues[k]));
        }
        return b.append(']').toString();
    }

    private static String[] pick(String[] values, int[] rows) {
        String[] out = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    private void requireType(Type... allowed) {
        for (Type t : allowed) {
            if (t == type) {
                return;
            }
        }
        throw new IllegalStateException("Column '" + name + "' is " + type + ", not " + Arrays.toString(allowed));
    }

    @Override
    public String toString() {
        return name + ":" + type + "[" + size + "]";
    }
}
