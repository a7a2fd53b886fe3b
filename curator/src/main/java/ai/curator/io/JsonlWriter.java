package ai.curator.io;

import ai.curator.api.Column;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes rows as JSON Lines: one object per row, fields in column order, nested (JSON) columns
 * reproduced as they were read, null and non-finite numbers as {@code null}. The output loads
 * directly with Hugging Face {@code datasets.load_dataset("json", ...)}.
 */
public final class JsonlWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonlWriter() {}

    public static void write(List<Column> columns, int rows, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            for (int r = 0; r < rows; r++) {
                g.writeStartObject();
                for (Column c : columns) {
                    g.writeFieldName(c.name());
                    if (c.isNull(r)) {
                        g.writeNull();
                        continue;
                    }
                    switch (c.type()) {
                        case STRING -> g.writeString(c.string(r));
                        case JSON -> g.writeRawValue(c.string(r));
                        case INT64 -> g.writeNumber(c.int64(r));
                        case FLOAT64 -> {
                            double d = c.number(r);
                            if (Double.isFinite(d)) {
                                g.writeNumber(d);
                            } else {
                                g.writeNull();
                            }
                        }
                        case BOOL -> g.writeBoolean(c.bool(r));
                    }
                }
                g.writeEndObject();
                g.writeRaw('\n');
            }
            g.flush();
        }
    }
}
