package ai.curator.score;

import ai.curator.api.LossSourceProvider;
import ai.curator.recipe.OptionErrors;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every loss source on the class path, keyed by its recipe name, found with {@link
 * ServiceLoader}: what a scorer's {@code loss: {source: NAME}} may name. Two providers claiming
 * the same name are an error at start-up.
 */
public final class LossSources {
    private static volatile LossSources loaded;

    private final Map<String, LossSourceProvider<?>> byName = new TreeMap<>();

    /** The registry of every provider the class path declares (loaded once). */
    public static LossSources load() {
        LossSources r = loaded;
        if (r == null) {
            r = new LossSources();
            for (LossSourceProvider<?> p : ServiceLoader.load(LossSourceProvider.class)) {
                r.register(p);
            }
            loaded = r;
        }
        return r;
    }

    /** Adds a provider; a second provider of the same name is an error. */
    public void register(LossSourceProvider<?> p) {
        LossSourceProvider<?> old = byName.putIfAbsent(p.name(), p);
        if (old != null) {
            throw new IllegalStateException("Two loss source providers claim 'loss: {source: " + p.name() + "}': "
                    + old.getClass().getName() + " and " + p.getClass().getName());
        }
    }

    /**
     * The provider named {@code name}.
     *
     * @throws IllegalArgumentException naming the known sources (and the closest one) when none is
     */
    public LossSourceProvider<?> find(String name) {
        LossSourceProvider<?> p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown loss.source '" + name + "'. Loss sources are: "
                    + String.join(", ", byName.keySet()) + OptionErrors.suggest(name, byName.keySet())
                    + " (run 'curator list' to see them; a module on the class path may add more)");
        }
        return p;
    }

    /** Every provider, by name. */
    public List<LossSourceProvider<?>> all() {
        return Collections.unmodifiableList(List.copyOf(byName.values()));
    }
}
