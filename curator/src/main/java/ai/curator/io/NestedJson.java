package ai.curator.io;

import ai.curator.api.Column;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.NullableStructWriter;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.ListWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.StructWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.util.Text;

/**
 * Typed Arrow columns for nested JSON values — e.g. chat {@code messages} become
 * {@code list<struct<role: string, content: string>>}, which Hugging Face {@code datasets} and
 * chat trainers read as a list of dicts.
 *
 * <p>A column gets a nested type when every row's value has one consistent shape: objects with
 * the same field types (a field missing from a row is null there), arrays whose elements share a
 * type, integers widening to floats. Anything else — mixed shapes, null array elements, empty
 * objects, all-null values — stays a JSON text column.
 */
final class NestedJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shape of a JSON value. */
    sealed interface Shape permits Str, Int, Dbl, Bool, Lst, Obj {}

    record Str() implements Shape {}

    record Int() implements Shape {}

    record Dbl() implements Shape {}

    record Bool() implements Shape {}

    record Lst(Shape element) implements Shape {} // element null: only empty arrays seen so far

    record Obj(Map<String, Shape> fields) implements Shape {} // a field's shape null: only nulls seen

    /** Thrown internally when values have no common shape. */
    private static final class NoShape extends Exception {
        NoShape() {
            super(null, null, false, false);
        }
    }

    private NestedJson() {}

    /** The common shape of a JSON column's values, or null when there is none (keep it as text). */
    static Shape infer(Column c) {
        Shape s = null;
        try {
            for (int r = 0; r < c.size(); r++) {
                if (!c.isNull(r)) {
                    s = unify(s, shapeOf(parse(c.string(r))));
                }
            }
            // Only lists and objects get a nested type; scalars that ended up in a JSON column (mixed
            // with other shapes, or numbers Arrow had no plain type for) stay text.
            return s == null || !(s instanceof Lst || s instanceof Obj) || !complete(s) ? null : s;
        } catch (NoShape e) {
            return null;
        }
    }

    private static JsonNode parse(String json) throws NoShape {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new NoShape();
        }
    }

    private static Shape shapeOf(JsonNode v) throws NoShape {
        if (v.isTextual()) {
            return new Str();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return new Int();
        }
        if (v.isNumber()) {
            return new Dbl();
        }
        if (v.isBoolean()) {
            return new Bool();
        }
        if (v.isArray()) {
            Shape e = null;
            for (JsonNode x : v) {
                if (x.isNull()) {
                    throw new NoShape();
                }
                e = unify(e, shapeOf(x));
            }
            return new Lst(e);
        }
        if (v.isObject()) {
            if (v.isEmpty()) {
                throw new NoShape();
            }
            Map<String, Shape> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                fields.put(f.getKey(), f.getValue().isNull() ? null : shapeOf(f.getValue()));
            }
            return new Obj(fields);
        }
        throw new NoShape();
    }

    private static Shape unify(Shape a, Shape b) throws NoShape {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if ((a instanceof Int && b instanceof Dbl) || (a instanceof Dbl && b instanceof Int)) {
            return new Dbl();
        }
        if (a instanceof Lst la && b instanceof Lst lb) {
            return new Lst(unify(la.element(), lb.element()));
        }
        if (a instanceof Obj oa && b instanceof Obj ob) {
            Map<String, Shape> f = new LinkedHashMap<>(oa.fields());
            for (Map.Entry<String, Shape> e : ob.fields().entrySet()) {
                f.put(e.getKey(), f.containsKey(e.getKey()) ? unify(f.get(e.getKey()), e.getValue()) : e.getValue());
            }
            return new Obj(f);
        }
        if (a.getClass() == b.getClass()) {
            return a;
        }
        throw new NoShape();
    }

    /** Every part of the shape is known (no list of only empty arrays, no field of only nulls). */
    private static boolean complete(Shape s) {
        if (s instanceof Lst l) {
            return l.element() != null && complete(l.element());
        }
        if (s instanceof Obj o) {
            for (Shape f : o.fields().values()) {
                if (f == null || !complete(f)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The Arrow field of a shape. */
    static Field field(String name, Shape s) {
        if (s instanceof Lst l) {
            return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(field("item", l.element())));
        }
        if (s instanceof Obj o) {
            List<Field> children = new ArrayList<>();
            o.fields().forEach((k, v) -> children.add(field(k, v)));
            return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), children);
        }
        ArrowType t = s instanceof Str
                ? ArrowType.Utf8.INSTANCE
                : s instanceof Int
                        ? new ArrowType.Int(64, true)
                        : s instanceof Dbl
                                ? new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)
                                : ArrowType.Bool.INSTANCE;
        return new Field(name, FieldType.nullable(t), null);
    }

    /** Writes rows {@code [from, to)} of a JSON column into a list or struct vector of its shape. */
    static void fill(FieldVector v, Shape s, Column c, int from, int to) {
        if (v instanceof ListVector lv) {
            UnionListWriter w = lv.getWriter();
            Shape elem = ((Lst) s).element();
            for (int i = 0; i < to - from; i++) {
                if (c.isNull(from + i)) {
                    continue;
                }
                w.setPosition(i);
                writeList(w, elem, parseUnchecked(c.string(from + i)));
            }
            w.setValueCount(to - from);
        } else {
            StructVector sv = (StructVector) v;
            NullableStructWriter w = sv.getWriter();
            for (int i = 0; i < to - from; i++) {
                if (c.isNull(from + i)) {
                    continue;
                }
                w.setPosition(i);
                writeStruct(w, (Obj) s, parseUnchecked(c.string(from + i)));
            }
            w.setValueCount(to - from);
        }
    }

    private static JsonNode parseUnchecked(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON column holds invalid JSON: " + json, e);
        }
    }

    private static void writeList(ListWriter w, Shape elem, JsonNode arr) {
        w.startList();
        for (JsonNode x : arr) {
            if (elem instanceof Str) {
                w.varChar().writeVarChar(new Text(x.asText()));
            } else if (elem instanceof Int) {
                w.bigInt().writeBigInt(x.longValue());
            } else if (elem instanceof Dbl) {
                w.float8().writeFloat8(x.doubleValue());
            } else if (elem instanceof Bool) {
                w.bit().writeBit(x.booleanValue() ? 1 : 0);
            } else if (elem instanceof Lst l) {
                writeList(w.list(), l.element(), x);
            } else {
                writeStruct(w.struct(), (Obj) elem, x);
            }
        }
        w.endList();
    }

    private static void writeStruct(StructWriter w, Obj shape, JsonNode obj) {
        w.start();
        for (Map.Entry<String, Shape> f : shape.fields().entrySet()) {
            JsonNode x = obj.get(f.getKey());
            if (x == null || x.isNull()) {
                continue;
            }
            String k = f.getKey();
            Shape s = f.getValue();
            if (s instanceof Str) {
                w.varChar(k).writeVarChar(new Text(x.asText()));
            } else if (s instanceof Int) {
                w.bigInt(k).writeBigInt(x.longValue());
            } else if (s instanceof Dbl) {
                w.float8(k).writeFloat8(x.doubleValue());
            } else if (s instanceof Bool) {
                w.bit(k).writeBit(x.booleanValue() ? 1 : 0);
            } else if (s instanceof Lst l) {
                writeList(w.list(k), l.element(), x);
            } else {
                writeStruct(w.struct(k), (Obj) s, x);
            }
        }
        w.end();
    }
}
