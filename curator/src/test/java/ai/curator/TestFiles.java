package ai.curator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small test inputs. */
public final class TestFiles {
    private TestFiles() {}

    public static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            Files.writeString(p, content, StandardCharsets.UTF_8);
        }
        return p;
    }

    /** A JSONL file of {@code n} rows with fields question and answer. */
    public static Path qa(Path dir, String name, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"question\":\"What is ")
                    .append(i)
                    .append(" + 1?\",\"answer\":\"#### ")
                    .append(i + 1)
                    .append("\"}\n");
        }
        return write(dir, name, sb.toString());
    }

    /** The repository root (tests run in the module directory). */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("recipes"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "Cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
