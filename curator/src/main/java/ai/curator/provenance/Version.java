package ai.curator.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The tool's version and the git commit it was built from (filled in by the Maven build). */
public final class Version {
    private static final Properties PROPS = load();

    private Version() {}

    /** The release version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return value("version", "dev");
    }

    /** The git commit the build came from, or {@code unknown}; suffixed {@code -dirty} for uncommitted changes. */
    public static String commit() {
        String c = value("commit", "unknown");
        return "true".equals(value("dirty", "false")) ? c + "-dirty" : c;
    }

    /** Identifies the code for cache keys: version and commit. */
    public static String codeId() {
        return version() + "+" + commit();
    }

    private static String value(String key, String dflt) {
        String v = PROPS.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? dflt : v;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/ai/curator/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // No version file: report "dev"/"unknown".
        }
        return p;
    }
}
