package ai.curator.io;

import ai.curator.api.Column;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Collects the JSON values of one field, row by row, and picks the column type at the end: INT64
 * if every value is an integer, FLOAT64 if every value is a number, STRING if every value is text,
 * BOOL if every value is a boolean, JSON (canonical text) otherwise — nested values, or a field
 * whose rows mix types.
 */
final class ColumnBuilder {
    private final String name;
    private final List<JsonNode> values = new ArrayList<>();

    ColumnBuilder(String name, int nullsBefore) {
        this.name = name;
        for (int i = 0; i < nullsBefore; i++) {
            values.add(null);
        }
    }

    int size() {
        return values.size();
    }

    void add(JsonNode v) {
        values.add(v == null || v.isNull() || v.isMissingNode() ? null : v);
    }

    Column build() {
        boolean allInt = true;
        boolean allNum = true;
        boolean allText = true;
        boolean allBool = true;
        for (JsonNode v : values) {
            if (v == null) {
                continue;
            }
            allInt &= v.isIntegralNumber() && v.canConvertToLong();
            allNum &= v.isNumber();
            allText &= v.isTextual();
            allBool &= v.isBoolean();
        }
        int n = values.size();
        BitSet nulls = new BitSet();
        if (allInt) {
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                JsonNode v = values.get(i);
                if (v == null) {
                    nulls.set(i);
                } else {
                    out[i] = v.longValue();
                }
            }
            return Column.ofLongs(name, out, nulls);
        }
        if (allNum) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                JsonNode v = values.get(i);
                if (v == null) {
                    nulls.set(i);
                } else {
                    out[i] = v.doubleValue();
                }
            }
            return Column.ofDoubles(name, out, nulls);
        }
        if (allBool) {
            boolean[] out = new boolean[n];
            for (int i = 0; i < n; i++) {
                JsonNode v = values.get(i);
                if (v == null) {
                    nulls.set(i);
                } else {
                    out[i] = v.booleanValue();
                }
            }
            return Column.ofBools(name, out, nulls);
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            JsonNode v = values.get(i);
            out[i] = v == null ? null : (allText ? v.textValue() : v.toString());
        }
        return allText ? Column.ofStrings(name, out) : Column.ofJson(name, out);
    }
}
