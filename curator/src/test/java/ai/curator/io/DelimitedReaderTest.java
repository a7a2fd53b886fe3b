package ai.curator.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.TestFiles;
import ai.curator.api.Column;
import ai.curator.api.DataException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelimitedReaderTest {
    @TempDir
    Path dir;

    @Test
    void csvWithQuotesAndTypes() throws Exception {
        Path f = TestFiles.write(
                dir,
                "a.csv",
                "mr,ref,n,x\n\"inform(name[A, B])\",\"He said \"\"hi\"\"\nthen left\",1,0.5\nplain,text,,2\n");
        RawTable t = DelimitedReader.read(f, false);
        assertEquals(2, t.rows());
        assertEquals("inform(name[A, B])", t.columns().get(0).string(0));
        assertEquals("He said \"hi\"\nthen left", t.columns().get(1).string(0));
        assertEquals(Column.Type.INT64, t.columns().get(2).type());
        assertTrue(t.columns().get(2).isNull(1));
        assertEquals(Column.Type.FLOAT64, t.columns().get(3).type());
        assertEquals(2.0, t.columns().get(3).number(1));
        assertEquals(2, t.lines()[0]);
        assertEquals(4, t.lines()[1], "the quoted newline moves the second row to line 4");
    }

    @Test
    void gzippedTsvLikePmlb() throws Exception {
        Path f = TestFiles.write(dir, "d.tsv.gz", "a\tb\ttarget\n1\t2.5\t0\n3\t4\t1\n");
        RawTable t = DelimitedReader.read(f, true);
        assertEquals(3, t.columns().size());
        assertEquals(Column.Type.INT64, t.columns().get(0).type());
        assertEquals(Column.Type.FLOAT64, t.columns().get(1).type());
        assertEquals(4.0, t.columns().get(1).number(1));
    }

    @Test
    void keepsTextThatLooksNumericExactly() throws Exception {
        Path f = TestFiles.write(dir, "z.csv", "code\n007\nA1\n");
        Column c = DelimitedReader.read(f, false).columns().get(0);
        assertEquals(Column.Type.STRING, c.type());
        assertEquals("007", c.string(0));
    }

    @Test
    void nanAndInfAreNumbersSoChecksCanNameThem() throws Exception {
        Path f = TestFiles.write(dir, "n.csv", "x\n1\nnan\ninf\n");
        Column c = DelimitedReader.read(f, false).columns().get(0);
        assertEquals(Column.Type.FLOAT64, c.type());
        assertTrue(Double.isNaN(c.number(1)));
        assertTrue(Double.isInfinite(c.number(2)));
    }

    @Test
    void wrongFieldCountNamesLine() throws Exception {
        Path f = TestFiles.write(dir, "bad.csv", "a,b\n1,2\n3\n");
        DataException e = assertThrows(DataException.class, () -> DelimitedReader.read(f, false));
        assertTrue(e.getMessage().contains("bad.csv:3: has 1 fields, the header has 2"), e.getMessage());
    }

    @Test
    void duplicateHeaderIsAnError() throws Exception {
        Path f = TestFiles.write(dir, "dup.csv", "a,a\n1,2\n");
        DataException e = assertThrows(DataException.class, () -> DelimitedReader.read(f, false));
        assertTrue(e.getMessage().contains("names column 'a' twice"), e.getMessage());
    }

    private Path bytes(String name, byte[]... parts) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] x : parts) {
            b.write(x);
        }
        Path f = dir.resolve(name);
        if (name.endsWith(".gz")) {
            try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(f))) {
                out.write(b.toByteArray());
            }
        } else {
            java.nio.file.Files.write(f, b.toByteArray());
        }
        return f;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void byteOrderMarkIsNotPartOfTheFirstColumnsName() throws Exception {
        Path f = bytes("bom.csv", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("id,x\na,1\n"));
        assertEquals("id", DelimitedReader.read(f, false).columns().get(0).name());
        Path t = bytes("bom.tsv", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("id\tx\na\t1\n"));
        assertEquals("id", DelimitedReader.read(t, true).columns().get(0).name());
    }

    @Test
    void invalidUtf8FailsNamingFileLineAndByteOffset() throws Exception {
        Path f = bytes("latin1.csv", utf8("a,b\n1,caf"), new byte[] {(byte) 0xE9}, utf8("\n"));
        DataException e = assertThrows(DataException.class, () -> DelimitedReader.read(f, false));
        assertTrue(
                e.getMessage().startsWith(f + ":2: invalid UTF-8 (0xE9 at byte offset 9); data files must be UTF-8"),
                e.getMessage());
        assertTrue(e.getMessage().contains("iconv -f WINDOWS-1252 -t UTF-8"), e.getMessage());
        Path gz = bytes("latin1.csv.gz", utf8("a,b\n1,caf"), new byte[] {(byte) 0xE9}, utf8("\n"));
        assertTrue(assertThrows(DataException.class, () -> DelimitedReader.read(gz, false))
                .getMessage()
                .contains("at byte offset 9 of the decompressed text"));
    }

    @Test
    void invalidUtf8FarIntoTheFileIsLocatedExactly() throws Exception {
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(",\u00e9t\u00e9 \u4e2d\n"); // multi-byte characters across the 64 KiB buffers
        }
        byte[] head = utf8(sb.toString());
        Path f = bytes("far.csv", head, utf8("1,ok"), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\n"));
        DataException e = assertThrows(DataException.class, () -> DelimitedReader.read(f, false));
        assertTrue(
                e.getMessage().startsWith(f + ":20002: invalid UTF-8 (0xC3 at byte offset " + (head.length + 4) + ")"),
                e.getMessage());
    }

    @Test
    void utf16FilesAreNamedNotMisread() throws Exception {
        Path f = bytes(
                "w.csv",
                new byte[] {(byte) 0xFF, (byte) 0xFE},
                "a,b\n1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        DataException e = assertThrows(DataException.class, () -> DelimitedReader.read(f, false));
        assertTrue(e.getMessage().contains(f + ":1: the file is UTF-16LE"), e.getMessage());
        assertTrue(e.getMessage().contains("iconv -f UTF-16LE -t UTF-8"), e.getMessage());
    }

    @Test
    void numbersBeyondADoubleAreTextNotInfinity() throws Exception {
        Path f = TestFiles.write(dir, "big.csv", "x,y\n1e400,-0\n2,0\n");
        RawTable t = DelimitedReader.read(f, false);
        assertEquals(Column.Type.STRING, t.columns().get(0).type());
        assertEquals("1e400", t.columns().get(0).string(0));
        assertEquals(Column.Type.INT64, t.columns().get(1).type(), "-0 is a number like any other outside ids");
    }

    @Test
    void idColumnKeepsItsTextWhenIntegersWouldNotPrintBack() throws Exception {
        Path f = TestFiles.write(dir, "ids.csv", "id,x\n007,1\n7,2\n-0,3\n0,4\n+5,5\n");
        Column ids = DelimitedReader.read(
                        f,
                        false,
                        ai.curator.api.Progress.none(),
                        ai.curator.api.Progress.none(),
                        java.util.Set.of("id"))
                .columns()
                .get(0);
        assertEquals(Column.Type.STRING, ids.type());
        assertEquals(
                java.util.List.of("007", "7", "-0", "0", "+5"),
                java.util.List.of(ids.string(0), ids.string(1), ids.string(2), ids.string(3), ids.string(4)));
        Path plain = TestFiles.write(dir, "plain.csv", "id,x\n10,1\n-7,2\n");
        assertEquals(
                Column.Type.INT64,
                DelimitedReader.read(
                                plain,
                                false,
                                ai.curator.api.Progress.none(),
                                ai.curator.api.Progress.none(),
                                java.util.Set.of("id"))
                        .columns()
                        .get(0)
                        .type(),
                "integer ids that print back stay integers");
    }

    @Test
    void tsvTextKeepsItsSpacesWhilePaddedNumbersParse() throws Exception {
        Path f = TestFiles.write(dir, "s.tsv", " n \ttext\tblank\n 1 \t  indented text \t   \n2\tplain\tx\n");
        RawTable t = DelimitedReader.read(f, true);
        assertEquals("n", t.columns().get(0).name());
        assertEquals(Column.Type.INT64, t.columns().get(0).type());
        assertEquals(1.0, t.columns().get(0).number(0));
        assertEquals("  indented text ", t.columns().get(1).string(0), "text is not trimmed");
        assertTrue(t.columns().get(2).isNull(0), "a blank TSV field is missing");
    }
}
