package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.io.TinyCheckpoints.Arr;
import ai.curator.lm.io.TinyCheckpoints.GgufTensor;
import ai.curator.lm.io.TinyCheckpoints.Kv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GGUF parsing: every metadata value type, alignment, tensor types, and the bad-input messages. */
class GgufFileTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryValueTypeAndTensorsInnermostFirst() throws IOException {
        Map<String, Kv> kv = new LinkedHashMap<>();
        kv.put("u8", new Kv(0, 200));
        kv.put("i8", new Kv(1, -5));
        kv.put("u16", new Kv(2, 60000));
        kv.put("i16", new Kv(3, -300));
        kv.put("u32", new Kv(4, 0xfffffff0L));
        kv.put("i32", new Kv(5, -70000));
        kv.put("f32", new Kv(6, 0.1f));
        kv.put("bool", new Kv(7, true));
        kv.put("str", new Kv(8, "héllo"));
        kv.put("arr", new Kv(9, new Arr(8, List.of("a", "bc"))));
        kv.put("nested", new Kv(9, new Arr(9, List.of(new Arr(5, List.of(1, 2)), new Arr(5, List.of())))));
        kv.put("u64", new Kv(10, 1L << 40));
        kv.put("i64", new Kv(11, -(1L << 40)));
        kv.put("f64", new Kv(12, 1e-300));
        float[] m = {1, 2, 3, 4, 5, 6};
        Path f = dir.resolve("t.gguf");
        TinyCheckpoints.writeGguf(
                f,
                kv,
                List.of(
                        new GgufTensor("m", new long[] {2, 3}, 0, m, null),
                        new GgufTensor("h", new long[] {3}, 1, new float[] {0.5f, -2f, 65504f}, null)),
                32);
        GgufFile g = GgufFile.open(f);
        Map<String, Object> md = g.metadata();
        assertEquals(200L, md.get("u8"));
        assertEquals(-5L, md.get("i8"));
        assertEquals(60000L, md.get("u16"));
        assertEquals(-300L, md.get("i16"));
        assertEquals(0xfffffff0L, md.get("u32"));
        assertEquals(-70000L, md.get("i32"));
        assertEquals(0.1, md.get("f32")); // the float's shortest decimal
        assertEquals(true, md.get("bool"));
        assertEquals("héllo", md.get("str"));
        assertEquals(List.of("a", "bc"), md.get("arr"));
        assertEquals(List.of(List.of(1L, 2L), List.of()), md.get("nested"));
        assertEquals(1L << 40, md.get("u64"));
        assertEquals(-(1L << 40), md.get("i64"));
        assertEquals(1e-300, md.get("f64"));
        assertArrayEquals(new long[] {3, 2}, g.tensors().get("m").dims()); // innermost first on disk
        assertArrayEquals(new long[] {2, 3}, g.tensors().get("m").shape());
        assertArrayEquals(m, g.read("m"));
        assertArrayEquals(new float[] {0.5f, -2f, 65504f}, g.read("h"));
    }

    @Test
    void quantisedTensorIsRejectedByNameAndType() throws IOException {
        // one Q4_0 block: 32 values in 18 bytes (an fp16 scale and 16 bytes of 4-bit values)
        Map<String, Kv> kv = new LinkedHashMap<>();
        kv.put("general.architecture", new Kv(8, "llama"));
        Path q = dir.resolve("q4.gguf");
        TinyCheckpoints.writeGguf(
                q, kv, List.of(new GgufTensor("blk.0.attn_q.weight", new long[] {1, 32}, 2, null, new byte[18])), 32);
        DataException e =
                assertThrows(DataException.class, () -> GgufFile.open(q).read("blk.0.attn_q.weight"));
        assertTrue(
                e.getMessage().contains("'blk.0.attn_q.weight'")
                        && e.getMessage().contains("Q4_0"),
                e.getMessage());
        assertEquals("Q4_K", GgufFile.typeName(12));
    }

    @Test
    void truncatedFilesAndForeignArchitecturesAreNamed() throws IOException {
        Checkpoint c = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 2);
        Path f = dir.resolve("m.gguf");
        TinyCheckpoints.writeLlamaGguf(f, c, 0, false);
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(all, all.length - 40));
        DataException e = assertThrows(DataException.class, () -> GgufCheckpointLoader.load(cut));
        assertTrue(e.getMessage().contains("cut.gguf") && e.getMessage().contains("truncated"), e.getMessage());
        Files.write(cut, Arrays.copyOf(all, 100));
        e = assertThrows(DataException.class, () -> GgufCheckpointLoader.load(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Map<String, Kv> kv = new LinkedHashMap<>();
        kv.put("general.architecture", new Kv(8, "falcon"));
        Path falcon = dir.resolve("falcon.gguf");
        TinyCheckpoints.writeGguf(falcon, kv, List.of(), 32);
        e = assertThrows(DataException.class, () -> GgufCheckpointLoader.load(falcon));
        assertTrue(e.getMessage().contains("'falcon'") && e.getMessage().contains("supported: llama"), e.getMessage());
    }
}
