package ai.curator.lm.io;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file (Hugging Face's format): an 8-byte little-endian header length, a JSON
 * header {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}}, then
 * the raw little-endian tensor bytes, offsets relative to the end of the header. Tensors of type
 * F32, F16, BF16 and F64 are read (memory-mapped) into fp32; any other type is rejected naming the
 * tensor and the type. Every offset is checked against the file's length when it is opened, so a
 * truncated file fails naming the file and the first tensor past its end.
 */
public final class SafetensorsReader implements Closeable {
    /** Header lengths above this are taken as a corrupt file, not a header (the reference library's limit). */
    static final long MAX_HEADER = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One tensor's header entry.
     *
     * @param name the tensor's name
     * @param dtype the safetensors type name (F32, F16, BF16, ...)
     * @param shape dimensions, outermost first
     * @param begin first byte in the data section
     * @param end one past the last byte in the data section
     */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /** Number of values. */
        public long count() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(
            Path file, FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens {@code file} and checks its header; a clear {@link DataException} when it is not a valid safetensors file. */
    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new DataException(
                        file + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new DataException(file + ": not a safetensors file or truncated (header length " + headerLen
                        + ", file length " + size + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(hb.array());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new DataException(file + ": the safetensors header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw new DataException(file + ": the safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : header.properties()) {
                if (f.getKey().equals("__metadata__")) {
                    f.getValue()
                            .properties()
                            .forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                entries.put(f.getKey(), entry(file, f.getKey(), f.getValue(), dataLen));
            }
            return new SafetensorsReader(
                    file, ch, dataStart, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads every tensor of {@code file} into fp32. */
    public static Map<String, Tensor> readAll(Path file) throws IOException {
        try (SafetensorsReader r = open(file)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : r.entries().keySet()) {
                out.put(name, r.read(name));
            }
            return out;
        }
    }

    /** Header entries in file order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The named tensor in fp32. */
    public Tensor read(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new DataException(file + " has no tensor '" + name + "'");
        }
        long count = e.count();
        if (count > Integer.MAX_VALUE - 8) {
            throw new DataException(
                    file + ": tensor '" + name + "' has " + count + " values, more than one Java array holds");
        }
        float[] out = new float[(int) count];
        if (count > 0) {
            ByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin())
                    .order(ByteOrder.LITTLE_ENDIAN);
            switch (e.dtype()) {
                case "F32" -> buf.asFloatBuffer().get(out);
                case "F64" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) buf.getDouble(8 * i);
                    }
                }
                case "F16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = HalfFloats.halfToFloat(buf.getShort(2 * i));
                    }
                }
                case "BF16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = HalfFloats.bf16ToFloat(buf.getShort(2 * i));
                    }
                }
                default -> throw unsupported(file, name, e.dtype());
            }
        }
        return new Tensor(e.shape().clone(), out);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Entry entry(Path file, String name, JsonNode n, long dataLen) {
        String where = file + ": tensor '" + name + "'";
        if (!n.isObject()
                || !n.path("dtype").isTextual()
                || !n.path("shape").isArray()
                || !n.path("data_offsets").isArray()
                || n.path("data_offsets").size() != 2) {
            throw new DataException(
                    where + " needs dtype, shape and data_offsets [begin, end] in the header, found " + n);
        }
        String dtype = n.get("dtype").asText();
        long[] shape = new long[n.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = n.get("shape").get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new DataException(where + " has a bad dimension " + d + " in its shape " + n.get("shape"));
            }
            shape[i] = d.asLong();
        }
        long begin = n.get("data_offsets").get(0).asLong(-1);
        long end = n.get("data_offsets").get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new DataException(where + " has bad data_offsets " + n.get("data_offsets"));
        }
        if (end > dataLen) {
            throw new DataException(where + " needs bytes up to " + end
                    + " of the data section, but the file holds only " + dataLen + " (truncated file?)");
        }
        int width = width(dtype);
        if (width < 0) {
            // Unknown widths cannot be checked; the type is rejected when the tensor is read.
            return new Entry(name, dtype, shape, begin, end);
        }
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count * width != end - begin) {
            throw new DataException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + count * width + " bytes, data_offsets give " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> -1;
        };
    }

    static DataException unsupported(Path file, String name, String dtype) {
        return new DataException(file + ": tensor '" + name + "' has dtype " + dtype
                + ", which is not supported (supported: F32, F16, BF16, F64; quantised or integer weights must be"
                + " converted to a float type first)");
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new DataException("unexpected end of file");
            }
        }
    }
}
