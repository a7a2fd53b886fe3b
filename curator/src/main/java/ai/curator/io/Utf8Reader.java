package ai.curator.io;

import ai.curator.api.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Decodes a data file as strict UTF-8: a byte sequence that is not UTF-8 is a {@link
 * DataException} naming the file, the line, the byte offset and the bytes found, never a silent
 * U+FFFD, so a user's text reaches the outputs exactly as written. A UTF-8 byte-order mark at the
 * start is dropped (it is not text, and would otherwise become part of the first column's name);
 * a UTF-16 or UTF-32 byte-order mark is an error that says how to convert the file.
 */
final class Utf8Reader extends Reader {
    private final InputStream in;
    private final String where;
    private final boolean decompressed;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
    private long bytesBefore; // bytes of the input before bytes' position (the BOM included)
    private long newlines; // '\n' decoded so far
    private boolean eof;
    private boolean flushed;
    private boolean start = true;

    Utf8Reader(InputStream in, Path path, boolean decompressed) {
        this.in = in;
        this.where = path.toString();
        this.decompressed = decompressed;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, chars.remaining());
        chars.get(buf, off, n);
        return n;
    }

    /** Decodes the next chunk into {@code chars}; false at the end of the input. */
    private boolean fill() throws IOException {
        if (flushed) {
            return false;
        }
        chars.clear();
        while (chars.position() == 0 && !flushed) {
            if (!eof && bytes.remaining() < 4096) {
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
                if (start && (bytes.remaining() >= 4 || eof)) {
                    checkByteOrderMark();
                }
                if (!eof && bytes.remaining() < 4 && start) {
                    continue;
                }
            }
            int p0 = bytes.position();
            int c0 = chars.position();
            CoderResult r = decoder.decode(bytes, chars, eof);
            count(c0);
            bytesBefore += bytes.position() - p0;
            if (r.isError()) {
                throw malformed(r.length());
            }
            if (eof && !bytes.hasRemaining()) {
                int c1 = chars.position();
                decoder.flush(chars);
                count(c1);
                flushed = true;
            }
        }
        chars.flip();
        return chars.hasRemaining() || !flushed;
    }

    private void count(int from) {
        for (int i = from; i < chars.position(); i++) {
            if (chars.get(i) == '\n') {
                newlines++;
            }
        }
    }

    private void checkByteOrderMark() {
        start = false;
        int n = bytes.remaining();
        int b0 = n > 0 ? bytes.get(0) & 0xFF : -1;
        int b1 = n > 1 ? bytes.get(1) & 0xFF : -1;
        int b2 = n > 2 ? bytes.get(2) & 0xFF : -1;
        int b3 = n > 3 ? bytes.get(3) & 0xFF : -1;
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            bytes.position(3); // UTF-8 byte-order mark: not part of the text
            bytesBefore = 3;
            return;
        }
        String enc = null;
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
            enc = "UTF-32LE";
        } else if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            enc = "UTF-32BE";
        } else if (b0 == 0xFF && b1 == 0xFE) {
            enc = "UTF-16LE";
        } else if (b0 == 0xFE && b1 == 0xFF) {
            enc = "UTF-16BE";
        }
        if (enc != null) {
            throw new DataException(where + ":1: the file is " + enc + " (it starts with that byte-order mark); "
                    + "data files must be UTF-8: convert it, e.g. iconv -f " + enc + " -t UTF-8 IN > OUT");
        }
    }

    private DataException malformed(int length) {
        StringBuilder found = new StringBuilder();
        int pos = bytes.position();
        for (int i = 0; i < Math.max(1, length) && pos + i < bytes.limit(); i++) {
            found.append(found.length() == 0 ? "" : " ")
                    .append("0x")
                    .append(HexFormat.of().toHexDigits(bytes.get(pos + i)).toUpperCase(Locale.ROOT));
        }
        long offset = bytesBefore;
        return new DataException(where + ":" + (newlines + 1) + ": invalid UTF-8 (" + found + " at byte offset "
                + offset + (decompressed ? " of the decompressed text" : "") + "); data files must be UTF-8 — "
                + "convert it (e.g. iconv -f WINDOWS-1252 -t UTF-8 IN > OUT if it is a Windows/Latin-1 file) "
                + "rather than let the bytes be replaced");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
