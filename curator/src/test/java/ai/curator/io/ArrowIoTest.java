package ai.curator.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.Column;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowIoTest {
    @TempDir
    Path dir;

    private static List<Column> sample() {
        BitSet nulls = new BitSet();
        nulls.set(1);
        return List.of(
                Column.ofStrings("s", new String[] {"a", null, "ü€"}),
                Column.ofLongs("i", new long[] {1, 0, -3}, nulls),
                Column.ofDoubles("d", new double[] {0.5, 1e-300, -2}, null),
                Column.ofBools("b", new boolean[] {true, false, true}, null),
                Column.ofJson("j", new String[] {"[{\"role\":\"user\",\"content\":\"x\"}]", "{}", null}));
    }

    private static void assertSame(List<Column> expected, RawTable got) {
        assertSame(expected, got, false);
    }

    /** {@code jsonAsText}: Parquet keeps JSON columns' text but not their field metadata. */
    private static void assertSame(List<Column> expected, RawTable got, boolean jsonAsText) {
        assertEquals(3, got.rows());
        assertEquals(expected.size(), got.columns().size());
        for (int c = 0; c < expected.size(); c++) {
            Column e = expected.get(c);
            Column g = got.columns().get(c);
            assertEquals(e.name(), g.name());
            Column.Type want = jsonAsText && e.type() == Column.Type.JSON ? Column.Type.STRING : e.type();
            assertEquals(want, g.type(), e.name());
            for (int r = 0; r < 3; r++) {
                assertEquals(e.isNull(r), g.isNull(r), e.name() + " row " + r);
                assertEquals(e.text(r), g.text(r), e.name() + " row " + r);
            }
        }
    }

    @Test
    void ipcRoundTrip() throws Exception {
        Path f = dir.resolve("t.arrow");
        try (OutputStream out = Files.newOutputStream(f)) {
            ArrowIo.writeIpc(sample(), 3, out);
        }
        assertArrayEquals("ARROW1".getBytes(), java.util.Arrays.copyOf(Files.readAllBytes(f), 6));
        assertSame(sample(), ArrowIo.readIpc(f));
    }

    @Test
    void parquetRoundTripAndDeterministicBytes() throws Exception {
        Path f = dir.resolve("t.parquet");
        Path g = dir.resolve("u.parquet");
        ArrowIo.writeParquet(sample(), 3, f);
        ArrowIo.writeParquet(sample(), 3, g);
        assertTrue(Files.size(f) > 0);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
        assertArrayEquals("PAR1".getBytes(), java.util.Arrays.copyOf(Files.readAllBytes(f), 4));
        assertSame(sample(), ArrowIo.readParquet(f), true);
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "no scratch directory left behind");
        }
    }

    @Test
    void matrixRoundTripAcrossBatches() throws Exception {
        int rows = 70_000; // more than one batch at d = 64
        int d = 64;
        float[] data = new float[rows * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i);
        }
        Path f = dir.resolve("m.arrow");
        try (OutputStream out = Files.newOutputStream(f)) {
            ArrowIo.writeMatrix(new ai.curator.linalg.FloatMatrix(rows, d, data), "embedding", out);
        }
        ai.curator.linalg.FloatMatrix back = ArrowIo.readMatrix(f);
        assertEquals(rows, back.rows());
        assertEquals(d, back.cols());
        assertArrayEquals(data, back.data());
    }

    @Test
    void chatMessagesBecomeAListOfStructsAndReadBackAsTheSameJson() throws Exception {
        String[] msgs = {
            "[{\"role\":\"user\",\"content\":\"2+2?\"},{\"role\":\"assistant\",\"content\":\"4\"}]",
            null,
            "[{\"role\":\"user\",\"content\":\"ü\"}]",
            "[]"
        };
        List<Column> cols = List.of(Column.ofJson("messages", msgs), Column.ofJson("meta", new String[] {
            "{\"n\":1,\"tags\":[\"a\"]}", "{\"n\":2.5,\"tags\":[]}", null, "{\"n\":3,\"tags\":[\"b\",\"c\"]}"
        }));
        assertEquals(
                "[item: Struct<role: Utf8, content: Utf8>]",
                ArrowIo.schema(cols, ArrowIo.shapes(cols))
                        .getFields()
                        .get(0)
                        .getChildren()
                        .toString());
        Path ipc = dir.resolve("m.arrow");
        try (OutputStream out = Files.newOutputStream(ipc)) {
            ArrowIo.writeIpc(cols, 4, out);
        }
        Path pq = dir.resolve("m.parquet");
        ArrowIo.writeParquet(cols, 4, pq);
        for (RawTable t : List.of(ArrowIo.readIpc(ipc), ArrowIo.readParquet(pq))) {
            Column m = t.columns().get(0);
            assertEquals(Column.Type.JSON, m.type());
            assertEquals(msgs[0], m.string(0));
            assertTrue(m.isNull(1));
            assertEquals(msgs[2], m.string(2));
            assertEquals("[]", m.string(3));
            Column meta = t.columns().get(1);
            assertEquals("{\"n\":1.0,\"tags\":[\"a\"]}", meta.string(0), "integers widen to floats when a row has one");
            assertTrue(meta.isNull(2));
        }
    }

    @Test
    void singlePrecisionColumnsReadAsTheirDoubleValuesInHalfTheMemory() throws Exception {
        Path f = dir.resolve("floats.arrow");
        try (org.apache.arrow.memory.BufferAllocator alloc = new org.apache.arrow.memory.RootAllocator();
                org.apache.arrow.vector.Float4Vector x = new org.apache.arrow.vector.Float4Vector("x", alloc)) {
            float[] v = {0.1f, 0f, -3.5f, 1e-30f, 7.25f};
            x.allocateNew(v.length);
            for (int i = 0; i < v.length; i++) {
                if (i == 1) {
                    x.setNull(i);
                } else {
                    x.set(i, v[i]);
                }
            }
            x.setValueCount(v.length);
            writeIpc(x, f);
        }
        Column c = ArrowIo.readIpc(f).columns().get(0);
        assertEquals(Column.Type.FLOAT64, c.type());
        assertEquals((double) 0.1f, c.number(0)); // the float's exact value, as before: (double) 0.1f
        assertTrue(c.isNull(1));
        assertTrue(Double.isNaN(c.number(1)));
        assertEquals(Double.toString((double) 0.1f), c.text(0));
        assertEquals((double) 1e-30f, c.number(3));
        Column picked = c.select(new int[] {4, 1, 2});
        assertEquals(7.25, picked.number(0));
        assertTrue(picked.isNull(1));
        assertEquals(-3.5, picked.number(2));
        assertEquals(-3.5, picked.renamed("y").number(2));
    }

    /** {@code v} (its value count set) as the one column of an Arrow IPC file. */
    private static void writeIpc(org.apache.arrow.vector.FieldVector v, Path f) throws Exception {
        try (org.apache.arrow.vector.VectorSchemaRoot root = org.apache.arrow.vector.VectorSchemaRoot.of(v);
                java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                        f, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                org.apache.arrow.vector.ipc.ArrowFileWriter w =
                        new org.apache.arrow.vector.ipc.ArrowFileWriter(root, null, ch)) {
            w.start();
            w.writeBatch();
            w.end();
        }
    }

    /** An Arrow file with one list-of-float32 column; a null float[] is a null row, a NaN box a null element. */
    private Path floatLists(String file, List<float[]> rows, int nullElementRow) throws Exception {
        Path f = dir.resolve(file);
        try (org.apache.arrow.memory.BufferAllocator alloc = new org.apache.arrow.memory.RootAllocator();
                org.apache.arrow.vector.complex.ListVector v =
                        org.apache.arrow.vector.complex.ListVector.empty("v", alloc)) {
            org.apache.arrow.vector.complex.impl.UnionListWriter w = v.getWriter();
            for (int r = 0; r < rows.size(); r++) {
                w.setPosition(r);
                if (rows.get(r) == null) {
                    w.writeNull();
                    continue;
                }
                w.startList();
                for (float x : rows.get(r)) {
                    w.float4().writeFloat4(x);
                }
                if (r == nullElementRow) {
                    w.float4().writeNull();
                }
                w.endList();
            }
            v.setValueCount(rows.size());
            writeIpc(v, f);
        }
        return f;
    }

    @Test
    void float32ListsStayFloatsAndReadAsTheSameJsonText() throws Exception {
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        List<float[]> rows = new java.util.ArrayList<>();
        rows.add(new float[] {0.1f, -2.5e-12f, Float.MAX_VALUE, Float.MIN_VALUE, 0f, -0f, 1e7f, 1.0e-3f});
        rows.add(null);
        rows.add(new float[0]);
        for (int i = 0; i < 200; i++) {
            float[] v = new float[1 + r.nextInt(9)];
            for (int k = 0; k < v.length; k++) {
                v[k] = Float.intBitsToFloat(r.nextInt()); // any bit pattern ...
                if (!Float.isFinite(v[k])) {
                    v[k] = (float) r.nextGaussian(); // ... but finite
                }
            }
            rows.add(v);
        }
        com.fasterxml.jackson.databind.ObjectMapper jackson = new com.fasterxml.jackson.databind.ObjectMapper();
        Column c =
                ArrowIo.readIpc(floatLists("lists.arrow", rows, -1)).columns().get(0);
        assertTrue(c.hasFloatLists());
        assertEquals(Column.Type.JSON, c.type());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) == null) {
                assertTrue(c.isNull(i));
                continue;
            }
            List<Float> boxed = new java.util.ArrayList<>();
            for (float x : rows.get(i)) {
                boxed.add(x);
            }
            // the text the generic path (Jackson on Arrow's list of Float) gave before
            assertEquals(jackson.writeValueAsString(boxed), c.string(i), "row " + i);
            assertArrayEquals(rows.get(i), c.floatList(i));
        }
        Column picked = c.select(new int[] {3, 1, 0});
        assertArrayEquals(rows.get(3), picked.floatList(0));
        assertTrue(picked.isNull(1));
        assertEquals(c.string(0), picked.string(2));

        // a null element inside a list: the column is JSON text, as before, earlier rows alike
        Column text = ArrowIo.readIpc(floatLists("null-element.arrow", rows, 5))
                .columns()
                .get(0);
        assertTrue(!text.hasFloatLists());
        assertEquals(c.string(0), text.string(0));
        assertTrue(text.string(5).endsWith(",null]"), text.string(5));
    }

    @Test
    void inconsistentJsonStaysText() {
        List<Column> cols = List.of(Column.ofJson("v", new String[] {"[1,2]", "{\"a\":1}"}));
        assertEquals(null, ArrowIo.shapes(cols)[0]);
    }

    @Test
    void invalidUtf8InAStringColumnFailsNamingColumnAndRow() throws Exception {
        Path f = dir.resolve("bad.arrow");
        try (var alloc = new org.apache.arrow.memory.RootAllocator();
                var v = new org.apache.arrow.vector.VarCharVector("text", alloc)) {
            v.allocateNew(2);
            v.setSafe(0, "fine".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            v.setSafe(1, new byte[] {'c', 'a', 'f', (byte) 0xE9});
            v.setValueCount(2);
            try (var root = org.apache.arrow.vector.VectorSchemaRoot.of(v);
                    var ch = java.nio.channels.FileChannel.open(
                            f, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    var w = new org.apache.arrow.vector.ipc.ArrowFileWriter(root, null, ch)) {
                w.start();
                w.writeBatch();
                w.end();
            }
        }
        ai.curator.api.DataException e = org.junit.jupiter.api.Assertions.assertThrows(
                ai.curator.api.DataException.class, () -> ArrowIo.readIpc(f));
        assertTrue(e.getMessage().startsWith(f + ": column 'text', row 1: invalid UTF-8"), e.getMessage());
    }
}
