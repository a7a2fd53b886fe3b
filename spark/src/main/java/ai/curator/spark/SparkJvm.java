package ai.curator.spark;

import ai.curator.api.RecipeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * The JVM options Spark needs on Java 17: Spark's own list ({@link JavaModuleOptions}, what {@code
 * spark-submit} adds), and a check that the running JVM has its {@code --add-opens}. Without them
 * Spark runs small jobs and then fails mid-run, e.g. when it first spills a cached block to disk
 * (its Kryo serializer opens {@code java.lang.invoke}).
 */
public final class SparkJvm {
    private SparkJvm() {}

    /** Spark's JVM options, as {@code spark-submit} passes them. */
    public static List<String> options() {
        return List.of(JavaModuleOptions.defaultModuleOptionArray());
    }

    /** The {@code --add-opens=MODULE/PACKAGE=ALL-UNNAMED} options of {@link #options()} this JVM lacks. */
    public static List<String> missingOpens() {
        List<String> missing = new ArrayList<>();
        Module me = SparkJvm.class.getModule();
        for (String o : options()) {
            if (!o.startsWith("--add-opens=")) {
                continue;
            }
            String spec = o.substring("--add-opens=".length()); // java.base/java.lang.invoke=ALL-UNNAMED
            int slash = spec.indexOf('/');
            int eq = spec.indexOf('=');
            if (slash < 0 || eq < slash) {
                continue;
            }
            Optional<Module> m = ModuleLayer.boot().findModule(spec.substring(0, slash));
            if (m.isPresent() && !m.get().isOpen(spec.substring(slash + 1, eq), me)) {
                missing.add(o);
            }
        }
        return missing;
    }

    /** Refuses to start Spark in a JVM without Spark's {@code --add-opens}, naming what to add. */
    static void check() {
        List<String> missing = missingOpens();
        if (!missing.isEmpty()) {
            throw new RecipeException("--engine spark: this JVM lacks " + missing.size()
                    + " of the --add-opens Spark needs on Java "
                    + Runtime.version().feature() + " (first: "
                    + missing.get(0) + "); without them Spark fails mid-run (e.g. when it spills a cached block"
                    + " to disk). Run through scripts/curator or spark-submit, which add them, or start java with: "
                    + String.join(" ", options()));
        }
    }
}
