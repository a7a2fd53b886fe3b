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
    private final BitSet nulls; // primitive types only

    private Column(
            String name,
            Type type,
            int size,
            String[] strings,
            long[] longs,
            double[] doubles,
            float[] floats,
            boolean[] bools,
            BitSet nulls) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.size = size;
        this.strings = strings;
        this.longs = longs;
        this.doubles = doubles;
        this.floats = floats;
        this.bools = bools;
        this.nulls = nulls == null ? new BitSet() : nulls;
    }

    /** A text column; null entries are nulls. The array is taken, not copied. */
    public static Column ofStrings(String name, String[] values) {
        return new Column(name, Type.STRING, values.length, values, null, null, null, null, null);
    }

    /** A column of canonical JSON texts; null entries are nulls. The array is taken, not copied. */
    public static Column ofJson(String name, String[] json) {
        return new Column(name, Type.JSON, json.length, json, null, null, null, null, null);
    }

    /** An integer column; rows set in {@code nulls} (may be null) are nulls. Arrays are taken. */
    public static Column ofLongs(String name, long[] values, BitSet nulls) {
        return new Column(name, Type.INT64, values.length, null, values, null, null, null, nulls);
    }

    /** A floating-point column; rows set in {@code nulls} (may be null) are nulls. Arrays are taken. */
    public static Column ofDoubles(String name, double[] values, BitSet nulls) {
        return new Column(name, Type.FLOAT64, values.length, null, null, values, null, null, nulls);
    }

    /**
     * A floating-point column of single-precision values (Parquet/Arrow {@code float}): a FLOAT64
     * column whose every value is {@code (double)} of the float, kept in half the memory. Arrays are
     * taken.
     */
    public static Column ofFloats(String name, float[] values, BitSet nulls) {
        return new Column(name, Type.FLOAT64, values.length, null, null, null, values, null, nulls);
    }

    /** A boolean column; rows set in {@code nulls} (may be null) are nulls. Arrays are taken. */
    public static Column ofBools(String name, boolean[] values, BitSet nulls) {
        return new Column(name, Type.BOOL, values.length, null, null, null, null, values, nulls);
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
            case STRING, JSON -> strings[row] == null;
            default -> nulls.get(row);
        };
    }

    /** The text of a STRING or JSON row (null for a null row). */
    public String string(int row) {
        requireType(Type.STRING, Type.JSON);
        return strings[row];
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
            case STRING, JSON -> strings[row];
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
            case JSON -> ofJson(name, pick(strings, rows));
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
        return new Column(newName, type, size, strings, longs, doubles, floats, bools, nulls);
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
