package ai.curator.io;

import ai.curator.api.Column;
import ai.curator.api.DataException;
import ai.curator.linalg.FloatMatrix;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads and writes tables as Arrow IPC files and as Parquet.
 *
 * <p>Types map one to one: STRING ↔ utf8, INT64 ↔ int64, FLOAT64 ↔ float64, BOOL ↔ bool. A JSON
 * column whose values share one shape is written with nested Arrow types (chat {@code messages}
 * as {@code list<struct<role, content>>}, see {@link NestedJson}); other JSON columns as utf8
 * with field metadata {@code curator.type=json}. On reading, any other Arrow type (lists,
 * structs, …) becomes a JSON column. IPC is written with Arrow Java's writer;
 * Parquet goes through the Arrow C++ dataset writer (arrow-dataset's JNI library), the same code
 * pyarrow uses, and is read back through the same library.
 */
public final class ArrowIo {
    /** Rows per Arrow record batch when writing. */
    static final int BATCH_ROWS = 65_536;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE_KEY = "curator.type";

    private ArrowIo() {}

    /** A shared allocator; Arrow tracks memory per child, which each operation opens and closes. */
    private static final class Alloc {
        static final RootAllocator ROOT = new RootAllocator();
    }

    static BufferAllocator newAllocator(String name) {
        return Alloc.ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------- reading

    /** Reads an Arrow IPC file (file or stream format). */
    public static RawTable readIpc(Path path) {
        try (BufferAllocator alloc = newAllocator("read-ipc")) {
            byte[] magic = new byte[6];
            try (var in = Files.newInputStream(path)) {
                int n = in.readNBytes(magic, 0, 6);
                if (n < 6) {
                    magic = new byte[0];
                }
            }
            boolean fileFormat = new String(magic, StandardCharsets.US_ASCII).equals("ARROW1");
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
                    ArrowReader reader = fileFormat
                            ? new ArrowFileReader(ch, alloc)
                            : new ArrowStreamReader(Channels.newInputStream(ch), alloc)) {
                return readAll(reader, path);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException de) {
                throw de;
            }
            throw new DataException("Cannot read Arrow IPC file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads a Parquet file through Arrow's C++ dataset reader. */
    public static RawTable readParquet(Path path) {
        String uri = path.toAbsolutePath().toUri().toString();
        try (BufferAllocator alloc = newAllocator("read-parquet");
                DatasetFactory factory =
                        new FileSystemDatasetFactory(alloc, NativeMemoryPool.getDefault(), FileFormat.PARQUET, uri);
                Dataset dataset = factory.finish();
                Scanner scanner = dataset.newScan(new ScanOptions(BATCH_ROWS));
                ArrowReader reader = scanner.scanBatches()) {
            return readAll(reader, path);
        } catch (DataException e) {
            throw e;
        } catch (Exception e) {
            throw new DataException("Cannot read Parquet file " + path + ": " + e.getMessage(), e);
        }
    }

    private static RawTable readAll(ArrowReader reader, Path path) throws IOException {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        List<Field> fields = root.getSchema().getFields();
        List<List<Object>> values = new ArrayList<>();
        // floating-point columns go straight into primitive arrays: a boxed Double per value costs
        // ~5x the memory (10^6 rows x 384 float columns: ~3 GB instead of ~15 GB)
        Doubles[] doubles = new Doubles[fields.size()];
        // lists of float32 (embeddings given with the data) likewise: floats, not JSON text
        FloatLists[] lists = new FloatLists[fields.size()];
        for (int c = 0; c < fields.size(); c++) {
            values.add(new ArrayList<>());
            Field f = fields.get(c);
            boolean json = "json".equals(f.getMetadata().get(TYPE_KEY));
            if (FloatLists.fits(f) && !json) {
                lists[c] = new FloatLists();
            }
            if (f.getType() instanceof ArrowType.FloatingPoint fp && !json) {
                doubles[c] =
                        new Doubles(fp.getPrecision() == org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE);
            }
        }
        int rows = 0;
        while (reader.loadNextBatch()) {
            int n = root.getRowCount();
            for (int c = 0; c < fields.size(); c++) {
                FieldVector v = root.getVector(c);
                if (doubles[c] != null) {
                    doubles[c].add(v, n);
                    continue;
                }
                if (lists[c] != null) {
                    if (lists[c].add(v, n)) {
                        continue;
                    }
                    // a null inside a list: this column is JSON text after all, earlier rows rendered alike
                    values.get(c).addAll(lists[c].texts());
                    lists[c] = null;
                }
                List<Object> out = values.get(c);
                for (int i = 0; i < n; i++) {
                    try {
                        out.add(v.isNull(i) ? null : value(v, i));
                    } catch (java.nio.charset.CharacterCodingException e) {
                        throw new DataException(
                                path + ": column '" + fields.get(c).getName() + "', row " + (rows + i)
                                        + ": invalid UTF-8 in a string value; the file's writer stored bytes that are not"
                                        + " text — fix the column at its source rather than let the bytes be replaced");
                    }
                }
            }
            rows += n;
        }
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < fields.size(); c++) {
            columns.add(
                    doubles[c] != null
                            ? doubles[c].column(fields.get(c).getName())
                            : lists[c] != null
                                    ? lists[c].column(fields.get(c).getName())
                                    : toColumn(fields.get(c), values.get(c)));
            values.set(c, null);
        }
        return new RawTable(columns, rows, null);
    }

    /**
     * A growing float64 column read from Float4/Float8 vectors, nulls kept apart; single-precision
     * vectors are kept as floats ({@link Column#ofFloats}: the same values in half the memory).
     */
    private static final class Doubles {
        private final boolean single;
        private double[] data;
        private float[] floatData;
        private int size;
        private final BitSet nulls = new BitSet();

        Doubles(boolean single) {
            this.single = single;
            if (single) {
                floatData = new float[1024];
            } else {
                data = new double[1024];
            }
        }

        void add(FieldVector v, int n) {
            int capacity = single ? floatData.length : data.length;
            if (size + n > capacity) {
                int grown = Math.max(size + n, capacity + (capacity >> 1)); // x1.5: less slack at the end
                if (single) {
                    floatData = java.util.Arrays.copyOf(floatData, grown);
                } else {
                    data = java.util.Arrays.copyOf(data, grown);
                }
            }
            for (int i = 0; i < n; i++) {
                if (v.isNull(i)) {
                    nulls.set(size + i);
                } else if (single) {
                    floatData[size + i] = ((Float4Vector) v).get(i);
                } else {
                    data[size + i] = ((org.apache.arrow.vector.FloatingPointVector) v).getValueAsDouble(i);
                }
            }
            size += n;
        }

        Column column(String name) {
            if (single) {
                return Column.ofFloats(
                        name, floatData.length == size ? floatData : java.util.Arrays.copyOf(floatData, size), nulls);
            }
            return Column.ofDoubles(name, data.length == size ? data : java.util.Arrays.copyOf(data, size), nulls);
        }
    }

    /**
     * A growing column of float32 lists ({@link Column#ofFloatLists}), read from List or
     * FixedSizeList vectors of Float4; {@link #add} says false at the first null element, when the
     * column must be JSON text instead.
     */
    private static final class FloatLists {
        private float[] values = new float[4096];
        private int[] starts = new int[1025];
        private int size;
        private final BitSet nulls = new BitSet();

        static boolean fits(Field f) {
            ArrowType t = f.getType();
            return (t instanceof ArrowType.List || t instanceof ArrowType.FixedSizeList)
                    && f.getChildren().size() == 1
                    && f.getChildren().get(0).getType() instanceof ArrowType.FloatingPoint fp
                    && fp.getPrecision() == org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE;
        }

        boolean add(FieldVector v, int n) {
            Float4Vector data = (Float4Vector) v.getChildrenFromFields().get(0);
            int before = size;
            for (int i = 0; i < n; i++) {
                if (size + 2 > starts.length) {
                    starts = java.util.Arrays.copyOf(starts, starts.length + (starts.length >> 1));
                }
                int from;
                int to;
                if (v.isNull(i)) {
                    nulls.set(size);
                    from = 0;
                    to = 0;
                } else if (v instanceof FixedSizeListVector f) {
                    from = i * f.getListSize();
                    to = from + f.getListSize();
                } else {
                    org.apache.arrow.vector.complex.ListVector l = (org.apache.arrow.vector.complex.ListVector) v;
                    from = l.getElementStartIndex(i);
                    to = l.getElementEndIndex(i);
                }
                int at = starts[size];
                if (at + (to - from) > values.length) {
                    values = java.util.Arrays.copyOf(
                            values, Math.max(at + (to - from), values.length + (values.length >> 1)));
                }
                for (int k = from; k < to; k++) {
                    if (data.isNull(k)) {
                        size = before; // this batch's rows go through the generic path
                        return false;
                    }
                    values[at + k - from] = data.get(k);
                }
                starts[size + 1] = at + (to - from);
                size++;
            }
            return true;
        }

        Column column(String name) {
            int[] st = java.util.Arrays.copyOf(starts, size + 1);
            return Column.ofFloatLists(name, java.util.Arrays.copyOf(values, st[size]), st, nulls);
        }

        /** The rows of the batches before the current one, as the JSON texts the generic path makes. */
        List<Object> texts() {
            Column c = column("_");
            List<Object> out = new ArrayList<>(size);
            for (int r = 0; r < size; r++) {
                out.add(c.isNull(r) ? null : new JsonText(c.string(r)));
            }
            return out;
        }
    }

    private static Object value(FieldVector v, int i) throws IOException {
        if (v instanceof VarCharVector s) {
            return utf8(s.get(i));
        }
        if (v instanceof LargeVarCharVector s) {
            return utf8(s.get(i));
        }
        if (v instanceof BaseIntVector n && !(v instanceof org.apache.arrow.vector.UInt8Vector)) {
            return n.getValueAsLong(i);
        }
        if (v instanceof Float8Vector f) {
            return f.get(i);
        }
        if (v instanceof Float4Vector f) {
            return (double) f.get(i);
        }
        if (v instanceof BitVector b) {
            return b.get(i) != 0;
        }
        if (v instanceof org.apache.arrow.vector.DecimalVector dv) {
            return dv.getObject(i).doubleValue(); // FLOAT64: decimals beyond double precision are rounded
        }
        if (v instanceof org.apache.arrow.vector.Decimal256Vector dv) {
            return dv.getObject(i).doubleValue();
        }
        ArrowType t = v.getField().getType();
        if (t instanceof ArrowType.Date || t instanceof ArrowType.Timestamp || t instanceof ArrowType.Time) {
            return String.valueOf(v.getObject(i)); // ISO-8601 text
        }
        // Lists, structs, maps, decimals, dates: keep the value as JSON text.
        return new JsonText(JSON.writeValueAsString(v.getObject(i)));
    }

    private record JsonText(String json) {}

    /** Strict UTF-8: invalid bytes throw instead of becoming U+FFFD. */
    private static String utf8(byte[] b) throws java.nio.charset.CharacterCodingException {
        boolean ascii = true;
        for (byte x : b) {
            ascii &= x >= 0;
        }
        if (ascii) {
            return new String(b, StandardCharsets.US_ASCII);
        }
        return StandardCharsets.UTF_8
                .newDecoder()
                .decode(java.nio.ByteBuffer.wrap(b))
                .toString();
    }

    private static Column toColumn(Field field, List<Object> vals) {
        String name = field.getName();
        int n = vals.size();
        boolean json = "json".equals(field.getMetadata().get(TYPE_KEY));
        ArrowType t = field.getType();
        BitSet nulls = new BitSet();
        if (!json && t instanceof ArrowType.Int) {
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                if (vals.get(i) == null) {
                    nulls.set(i);
                } else {
                    out[i] = (Long) vals.get(i);
                }
            }
            return Column.ofLongs(name, out, nulls);
        }
        if (!json && (t instanceof ArrowType.FloatingPoint || t instanceof ArrowType.Decimal)) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                if (vals.get(i) == null) {
                    nulls.set(i);
                } else {
                    out[i] = (Double) vals.get(i);
                }
            }
            return Column.ofDoubles(name, out, nulls);
        }
        if (!json && t instanceof ArrowType.Bool) {
            boolean[] out = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (vals.get(i) == null) {
                    nulls.set(i);
                } else {
                    out[i] = (Boolean) vals.get(i);
                }
            }
            return Column.ofBools(name, out, nulls);
        }
        String[] out = new String[n];
        boolean allStrings = !json;
        for (int i = 0; i < n; i++) {
            Object o = vals.get(i);
            if (o instanceof JsonText j) {
                out[i] = j.json();
                allStrings = false;
            } else {
                out[i] = o == null ? null : o.toString();
            }
        }
        return allStrings ? Column.ofStrings(name, out) : Column.ofJson(name, out);
    }

    // ---------------------------------------------------------------- writing

    /** Arrow schema for {@code columns}, with nested shapes for JSON columns that have one. */
    static Schema schema(List<Column> columns, NestedJson.Shape[] shapes) {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            fields.add(shapes[c] != null ? NestedJson.field(columns.get(c).name(), shapes[c]) : field(columns.get(c)));
        }
        return new Schema(fields);
    }

    /** The nested shape of each JSON column (null: none, or not a JSON column). */
    static NestedJson.Shape[] shapes(List<Column> columns) {
        NestedJson.Shape[] out = new NestedJson.Shape[columns.size()];
        for (int c = 0; c < out.length; c++) {
            if (columns.get(c).type() == Column.Type.JSON) {
                out[c] = NestedJson.infer(columns.get(c));
            }
        }
        return out;
    }

    private static Field field(Column c) {
        ArrowType type =
                switch (c.type()) {
                    case STRING, JSON -> ArrowType.Utf8.INSTANCE;
                    case INT64 -> new ArrowType.Int(64, true);
                    case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                    case BOOL -> ArrowType.Bool.INSTANCE;
                };
        Map<String, String> meta = c.type() == Column.Type.JSON ? Map.of(TYPE_KEY, "json") : null;
        return new Field(c.name(), new FieldType(true, type, null, meta), null);
    }

    /** Fills {@code root} with rows {@code [from, to)} of {@code columns}. */
    static void fill(VectorSchemaRoot root, List<Column> columns, NestedJson.Shape[] shapes, int from, int to) {
        int n = to - from;
        for (int c = 0; c < columns.size(); c++) {
            Column col = columns.get(c);
            FieldVector v = root.getVector(c);
            v.allocateNew();
            if (shapes[c] != null) {
                NestedJson.fill(v, shapes[c], col, from, to);
                v.setValueCount(n);
                continue;
            }
            switch (col.type()) {
                case STRING, JSON -> {
                    VarCharVector s = (VarCharVector) v;
                    for (int i = 0; i < n; i++) {
                        String x = col.string(from + i);
                        if (x == null) {
                            s.setNull(i);
                        } else {
                            s.setSafe(i, x.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                case INT64 -> {
                    BigIntVector b = (BigIntVector) v;
                    for (int i = 0; i < n; i++) {
                        if (col.isNull(from + i)) {
                            b.setNull(i);
                        } else {
                            b.setSafe(i, col.int64(from + i));
                        }
                    }
                }
                case FLOAT64 -> {
                    Float8Vector f = (Float8Vector) v;
                    for (int i = 0; i < n; i++) {
                        if (col.isNull(from + i)) {
                            f.setNull(i);
                        } else {
                            f.setSafe(i, col.number(from + i));
                        }
                    }
                }
                case BOOL -> {
                    BitVector b = (BitVector) v;
                    for (int i = 0; i < n; i++) {
                        if (col.isNull(from + i)) {
                            b.setNull(i);
                        } else {
                            b.setSafe(i, col.bool(from + i) ? 1 : 0);
                        }
                    }
                }
            }
            v.setValueCount(n);
        }
        root.setRowCount(n);
    }

    /** Writes {@code columns} ({@code rows} rows) to an Arrow IPC file stream. */
    public static void writeIpc(List<Column> columns, int rows, OutputStream out) throws IOException {
        NestedJson.Shape[] shapes = shapes(columns);
        try (BufferAllocator alloc = newAllocator("write-ipc");
                VectorSchemaRoot root = VectorSchemaRoot.create(schema(columns, shapes), alloc);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            for (int from = 0; from < rows || (from == 0 && rows == 0); from += BATCH_ROWS) {
                fill(root, columns, shapes, from, Math.min(rows, from + BATCH_ROWS));
                writer.writeBatch();
                if (rows == 0) {
                    break;
                }
            }
            writer.end();
        }
    }

    /**
     * Writes a matrix as an Arrow IPC file with one column {@code name} of type
     * FixedSizeList&lt;float32&gt;(cols): one row per matrix row.
     */
    public static void writeMatrix(FloatMatrix m, String name, OutputStream out) throws IOException {
        int d = m.cols();
        Field child = new Field(
                "item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        Field field = new Field(name, FieldType.notNullable(new ArrowType.FixedSizeList(d)), List.of(child));
        try (BufferAllocator alloc = newAllocator("write-matrix");
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(field)), alloc);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            FixedSizeListVector list = (FixedSizeListVector) root.getVector(0);
            int batch = Math.max(1, (1 << 22) / Math.max(1, d)); // about 16 MB of floats per batch
            for (int from = 0; from < m.rows(); from += batch) {
                int n = Math.min(batch, m.rows() - from);
                list.allocateNew();
                Float4Vector values = (Float4Vector) list.getDataVector();
                values.allocateNew(n * d);
                ArrowBuf buf = values.getDataBuffer();
                float[] row = new float[d];
                for (int i = 0; i < n; i++) {
                    m.copyRow(from + i, row);
                    for (int j = 0; j < d; j++) {
                        buf.setFloat(((long) i * d + j) * 4, row[j]);
                    }
                }
                values.setValueCount(n * d);
                for (int i = 0; i < n; i++) {
                    list.setNotNull(i);
                }
                for (int k = 0; k < n * d; k++) {
                    org.apache.arrow.vector.BitVectorHelper.setBit(values.getValidityBuffer(), k);
                }
                list.setValueCount(n);
                root.setRowCount(n);
                writer.writeBatch();
            }
            writer.end();
        }
    }

    /** Reads a matrix written by {@link #writeMatrix} (first column, FixedSizeList of float32). */
    public static FloatMatrix readMatrix(Path path) {
        try (BufferAllocator alloc = newAllocator("read-matrix");
                FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Field f = root.getSchema().getFields().get(0);
            if (!(f.getType() instanceof ArrowType.FixedSizeList fl)) {
                throw new DataException(path + ": column '" + f.getName() + "' is " + f.getType()
                        + ", not a fixed-size list of floats");
            }
            int d = fl.getListSize();
            long rows = 0;
            for (var block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                rows += root.getRowCount();
            }
            FloatMatrix m = new FloatMatrix(Math.toIntExact(rows), d); // row chunks beyond 2^31 values
            float[] row = new float[d];
            int at = 0;
            for (var block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                Float4Vector values = (Float4Vector) ((FixedSizeListVector) root.getVector(0)).getDataVector();
                int n = root.getRowCount();
                ArrowBuf buf = values.getDataBuffer();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        row[j] = buf.getFloat(((long) i * d + j) * 4);
                    }
                    m.setRow(at + i, row, 0);
                }
                at += n;
            }
            return m;
        } catch (IOException e) {
            throw new DataException("Cannot read matrix file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code columns} to a Parquet file at {@code target} (which must not exist). */
    public static void writeParquet(List<Column> columns, int rows, Path target) throws IOException {
        // Arrow's dataset writer takes a reader: feed it an in-memory IPC copy
        java.io.ByteArrayOutputStream ipc = new java.io.ByteArrayOutputStream();
        writeIpc(columns, rows, ipc);
        byte[] bytes = ipc.toByteArray();
        writeParquet(
                alloc -> new ArrowFileReader(
                        new org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel(bytes), alloc),
                target);
    }

    /**
     * Writes the batches of the reader {@code source} makes as one Parquet file, streaming: a batch
     * at a time, each batch a row group (for data sets larger than memory).
     *
     * @param source makes the reader from the allocator it must use
     * @param target the Parquet file; its folder must exist
     */
    public static void writeParquet(java.util.function.Function<BufferAllocator, ArrowReader> source, Path target)
            throws IOException {
        // The writer writes a directory: write into a scratch directory and move its single file to the target.
        Path dir = target.resolveSibling(target.getFileName() + ".dir");
        AtomicFiles.deleteRecursively(dir);
        // The C++ writer releases exported buffers from its own threads, possibly after this method
        // returns, so the buffers come from the long-lived root allocator rather than a closed child.
        BufferAllocator alloc = Alloc.ROOT;
        try (ArrowReader reader = source.apply(alloc)) {
            DatasetFileWriter.write(
                    alloc,
                    reader,
                    FileFormat.PARQUET,
                    dir.toAbsolutePath().toUri().toString());
            Path written;
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> files = s.toList();
                if (files.size() != 1) {
                    throw new IOException("Arrow's Parquet writer produced " + files + ", expected one file");
                }
                written = files.get(0);
            }
            Files.move(written, target);
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }
}
