package ai.curator.lm.io;

import ai.curator.api.DataException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed GGUF file (llama.cpp's format, versions 2 and 3): the magic {@code GGUF}, the version,
 * tensor and key/value counts, the metadata key/values (every GGUF value type, arrays included),
 * the tensor infos, then the data section aligned to {@code general.alignment} (default 32). All
 * numbers are little-endian. Tensors of type F32, F16, BF16 and F64 are read into fp32; other
 * (quantised) types are rejected naming the tensor and the type.
 *
 * <p>Metadata values are Java objects: unsigned and signed integers as {@link Long}, floats as
 * {@link Double}, booleans, strings, and arrays as {@link List}s of those.
 */
public final class GgufFile {
    /** ggml type names by number (ggml.h's {@code ggml_type}). */
    private static final String[] TYPE_NAMES = {
        "F32",
        "F16",
        "Q4_0",
        "Q4_1",
        "Q4_2",
        "Q4_3",
        "Q5_0",
        "Q5_1",
        "Q8_0",
        "Q8_1",
        "Q2_K",
        "Q3_K",
        "Q4_K",
        "Q5_K",
        "Q6_K",
        "Q8_K",
        "IQ2_XXS",
        "IQ2_XS",
        "IQ3_XXS",
        "IQ1_S",
        "IQ4_NL",
        "IQ3_S",
        "IQ2_S",
        "IQ4_XS",
        "I8",
        "I16",
        "I32",
        "I64",
        "F64",
        "IQ1_M",
        "BF16",
        "Q4_0_4_4",
        "Q4_0_4_8",
        "Q4_0_8_8",
        "TQ1_0",
        "TQ2_0"
    };

    /**
     * One tensor's info.
     *
     * @param name the tensor's name
     * @param dims dimensions as GGUF stores them, innermost first ({@code dims[0]} is the row length)
     * @param type the ggml type number
     * @param offset start in the data section
     */
    public record TensorInfo(String name, long[] dims, int type, long offset) {
        /** Dimensions outermost first, as the row-major {@link ai.curator.lm.Checkpoint.Tensor} has them. */
        public long[] shape() {
            long[] s = new long[dims.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims[dims.length - 1 - i];
            }
            return s;
        }

        /** Number of values. */
        public long count() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The ggml type's name ("F32", "Q4_0", ...). */
        public String typeName() {
            return GgufFile.typeName(type);
        }
    }

    private final Path file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataStart;

    private GgufFile(
            Path file, int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors, long dataStart) {
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    /** Parses the header of {@code file} and checks every tensor's extent against the file's length. */
    public static GgufFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            In in = new In(Channels.newInputStream(ch), file, size);
            try {
                int magic = in.i32();
                if (magic != 0x46554747) {
                    throw new DataException(
                            file + ": not a GGUF file (magic " + String.format("0x%08x", magic) + ", expected 'GGUF')");
                }
                int version = in.i32();
                if (version != 2 && version != 3) {
                    throw new DataException(file + ": GGUF version " + version + " is not supported (supported: 2, 3)");
                }
                long nTensors = in.count("tensor count");
                long nKv = in.count("metadata count");
                Map<String, Object> meta = new LinkedHashMap<>();
                for (long i = 0; i < nKv; i++) {
                    String key = in.string();
                    meta.put(key, in.value(in.i32(), key));
                }
                Map<String, TensorInfo> infos = new LinkedHashMap<>();
                for (long i = 0; i < nTensors; i++) {
                    String name = in.string();
                    int nd = in.i32();
                    if (nd < 0 || nd > 8) {
                        throw new DataException(file + ": tensor '" + name + "' has " + nd + " dimensions");
                    }
                    long[] dims = new long[nd];
                    for (int d = 0; d < nd; d++) {
                        dims[d] = in.count("dimension of '" + name + "'");
                    }
                    infos.put(name, new TensorInfo(name, dims, in.i32(), in.i64()));
                }
                long alignment = 32;
                Object a = meta.get("general.alignment");
                if (a instanceof Long l && l > 0) {
                    alignment = l;
                }
                long dataStart = (in.pos + alignment - 1) / alignment * alignment;
                for (TensorInfo t : infos.values()) {
                    int width = width(t.type());
                    if (width < 0) {
                        continue; // rejected when read, naming the type
                    }
                    long end = dataStart + t.offset() + t.count() * width;
                    if (t.offset() < 0 || end > size) {
                        throw new DataException(file + ": tensor '" + t.name() + "' ends at byte " + end
                                + " but the file has " + size + " (truncated file?)");
                    }
                }
                return new GgufFile(
                        file,
                        version,
                        Collections.unmodifiableMap(meta),
                        Collections.unmodifiableMap(infos),
                        dataStart);
            } catch (EOFException e) {
                throw new DataException(file + ": the GGUF header ends early at byte " + in.pos + " (truncated file?)");
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        }
    }

    /** The format version (2 or 3). */
    public int version() {
        return version;
    }

    /** Metadata in file order. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Tensor infos in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The file. */
    public Path path() {
        return file;
    }

    /** The named tensor's values in fp32, row-major over {@link TensorInfo#shape()}. */
    public float[] read(String name) throws IOException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new DataException(file + " has no tensor '" + name + "'");
        }
        int width = width(t.type());
        if (width < 0) {
            throw new DataException(file + ": tensor '" + name + "' has type " + t.typeName()
                    + ", which is not supported (supported: F32, F16, BF16, F64; convert quantised GGUF files back to"
                    + " F16 or F32, e.g. with llama.cpp's llama-quantize --allow-requantize ... F16)");
        }
        long count = t.count();
        if (count > Integer.MAX_VALUE - 8) {
            throw new DataException(
                    file + ": tensor '" + name + "' has " + count + " values, more than one Java array holds");
        }
        float[] out = new float[(int) count];
        if (count == 0) {
            return out;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + t.offset(), count * width)
                    .order(ByteOrder.LITTLE_ENDIAN);
            switch (t.type()) {
                case 0 -> b.asFloatBuffer().get(out);
                case 1 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = HalfFloats.halfToFloat(b.getShort(2 * i));
                    }
                }
                case 30 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = HalfFloats.bf16ToFloat(b.getShort(2 * i));
                    }
                }
                case 28 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) b.getDouble(8 * i);
                    }
                }
                default -> throw new IllegalStateException("type " + t.type());
            }
        }
        return out;
    }

    /** The name of ggml type {@code type}. */
    public static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "unknown type " + type;
    }

    private static int width(int type) {
        return switch (type) {
            case 0 -> 4;
            case 1, 30 -> 2;
            case 28 -> 8;
            default -> -1;
        };
    }

    /** Little-endian reads with the position and bounds checks of the header. */
    private static final class In {
        private final DataInputStream in;
        private final Path file;
        private final long size;
        long pos;

        In(InputStream raw, Path file, long size) {
            this.in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            this.file = file;
            this.size = size;
        }

        int i32() throws IOException {
            pos += 4;
            return Integer.reverseBytes(in.readInt());
        }

        long i64() throws IOException {
            pos += 8;
            return Long.reverseBytes(in.readLong());
        }

        /** A uint64 count no larger than the file, so that a corrupt count fails instead of allocating. */
        long count(String what) throws IOException {
            long n = i64();
            if (n < 0 || n > size) {
                throw new DataException(
                        file + ": bad " + what + " " + Long.toUnsignedString(n) + " at byte " + (pos - 8));
            }
            return n;
        }

        String string() throws IOException {
            long n = count("string length");
            byte[] b = new byte[(int) n];
            in.readFully(b);
            pos += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        Object value(int type, String key) throws IOException {
            switch (type) {
                case 0:
                    pos += 1;
                    return (long) in.readUnsignedByte();
                case 1:
                    pos += 1;
                    return (long) in.readByte();
                case 2:
                    pos += 2;
                    return (long) (Short.reverseBytes(in.readShort()) & 0xffff);
                case 3:
                    pos += 2;
                    return (long) Short.reverseBytes(in.readShort());
                case 4:
                    return i32() & 0xffffffffL;
                case 5:
                    return (long) i32();
                case 6:
                    // the float's shortest decimal, so that 1e-5 stored as float32 reads as 1e-5
                    return Double.parseDouble(Float.toString(Float.intBitsToFloat(i32())));
                case 7:
                    pos += 1;
                    return in.readByte() != 0;
                case 8:
                    return string();
                case 9: {
                    int elemType = i32();
                    long n = count("array length of '" + key + "'");
                    List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                    for (long i = 0; i < n; i++) {
                        list.add(value(elemType, key));
                    }
                    return Collections.unmodifiableList(list);
                }
                case 10:
                case 11:
                    return i64();
                case 12:
                    pos += 8;
                    return Double.longBitsToDouble(Long.reverseBytes(in.readLong()));
                default:
                    throw new DataException(
                            file + ": metadata '" + key + "' has unknown value type " + type + " at byte " + pos);
            }
        }
    }

    @Override
    public String toString() {
        return file + " (GGUF v" + version + ", " + tensors.size() + " tensors, " + metadata.size() + " metadata keys)";
    }
}
