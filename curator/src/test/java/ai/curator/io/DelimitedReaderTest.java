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
}
