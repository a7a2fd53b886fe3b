package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReadsBackF32BitForBit() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("b.weight", tensor(rnd, 3, 5));
        in.put("a.bias", tensor(rnd, 5));
        in.put("scalar", new Tensor(new long[0], new float[] {Float.NaN}));
        in.put("empty", new Tensor(new long[] {0, 4}, new float[0]));
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, in, SafetensorsWriter.ptMetadata());
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertEquals(Map.of("format", "pt"), r.metadata());
            assertEquals(
                    java.util.List.of("a.bias", "b.weight", "empty", "scalar"),
                    java.util.List.copyOf(r.entries().keySet()));
            for (var e : in.entrySet()) {
                Tensor t = r.read(e.getKey());
                assertArrayEquals(e.getValue().shape(), t.shape(), e.getKey());
                assertArrayEquals(e.getValue().data(), t.data(), e.getKey());
            }
        }
        // the data section starts 8-byte aligned
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, b.getLong(0) % 8);
        assertTrue(Files.list(dir).allMatch(p -> p.equals(f)), "no temporary file left behind");
    }

    /** F16 and BF16 decoding against numpy's own conversion (file and values from stories260k_reference.py). */
    @Test
    void decodesNumpyWrittenHalfAndBfloat16() throws IOException {
        Path f = dir.resolve("fixture.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/golden/safetensors-f16-bf16.safetensors")) {
            Files.copy(in, f);
        }
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/safetensors-f16-bf16.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertEquals("F16", r.entries().get("a.f16").dtype());
            assertEquals("BF16", r.entries().get("b.bf16").dtype());
            for (String name : new String[] {"a.f16", "b.bf16", "c.f32"}) {
                Tensor t = r.read(name);
                JsonNode e = expected.get(name);
                long[] shape = new long[e.get("shape").size()];
                Arrays.setAll(shape, i -> e.get("shape").get(i).asLong());
                assertArrayEquals(shape, t.shape(), name);
                float[] want = new float[e.get("values").size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = (float) e.get("values").get(i).asDouble();
                }
                assertArrayEquals(want, t.data(), name); // exact: both sides are exact conversions
            }
        }
    }

    @Test
    void halfFloatConversionsRoundTripEveryPattern() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(f))));
                continue;
            }
            assertEquals((short) h, HalfFloats.floatToHalf(f), "half 0x" + Integer.toHexString(h));
            float g = HalfFloats.bf16ToFloat((short) h);
            if (!Float.isNaN(g)) {
                assertEquals((short) h, HalfFloats.floatToBf16(g), "bf16 0x" + Integer.toHexString(h));
            }
        }
        assertEquals(1.0f, HalfFloats.halfToFloat(HalfFloats.floatToHalf(1.0002f))); // rounds to nearest
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.halfToFloat(HalfFloats.floatToHalf(70000f)));
    }

    @Test
    void truncatedFileNamesFileAndTensor() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, Map.of("w", tensor(new SplittableRandom(1), 4, 4)), Map.of());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));
        DataException e = assertThrows(DataException.class, () -> SafetensorsReader.readAll(f));
        assertTrue(
                e.getMessage().contains(f.toString())
                        && e.getMessage().contains("'w'")
                        && e.getMessage().contains("truncated"),
                e.getMessage());
        Files.write(f, Arrays.copyOf(all, 20));
        e = assertThrows(DataException.class, () -> SafetensorsReader.readAll(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void unsupportedDtypeNamesTensorAndType() throws IOException {
        Path f = dir.resolve("q.safetensors");
        raw(f, "{\"w\":{\"dtype\":\"I8\",\"shape\":[2,2],\"data_offsets\":[0,4]}}", new byte[4]);
        DataException e = assertThrows(DataException.class, () -> SafetensorsReader.readAll(f));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("I8"), e.getMessage());
    }

    @Test
    void shapeDisagreeingWithOffsetsIsRejected() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        raw(f, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", new byte[16]);
        DataException e = assertThrows(
                DataException.class, () -> SafetensorsReader.open(f).close());
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("24 bytes"), e.getMessage());
        Path g = dir.resolve("notjson.safetensors");
        raw(g, "{\"w\":", new byte[0]);
        e = assertThrows(DataException.class, () -> SafetensorsReader.open(g).close());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    static void raw(Path f, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(f, b.array());
    }

    static Tensor tensor(SplittableRandom rnd, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return new Tensor(shape, v);
    }
}
