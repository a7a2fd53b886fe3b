package ai.curator.pipeline;

import ai.curator.api.RecipeException;
import ai.curator.api.StageProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every stage method on the class path, keyed by role and method name, found with {@link
 * ServiceLoader}. Two providers claiming the same name are an error at start-up.
 */
public final class StageRegistry {
    /** The method a role uses when a recipe names none. */
    private static final Map<String, String> DEFAULT_METHOD =
            Map.of("export", "files", "embed", "encoder", "finetune", "lora", "eval", "task");

    private final Map<String, Map<String, StageProvider<?>>> byRole = new TreeMap<>();

    /** The registry of every provider the class path declares. */
    public static StageRegistry load() {
        StageRegistry r = new StageRegistry();
        for (StageProvider<?> p : ServiceLoader.load(StageProvider.class)) {
            r.register(p);
        }
        return r;
    }

    /** Adds a provider; a second provider of the same role and method is an error. */
    public void register(StageProvider<?> p) {
        Map<String, StageProvider<?>> methods = byRole.computeIfAbsent(p.role(), k -> new TreeMap<>());
        StageProvider<?> old = methods.putIfAbsent(p.method(), p);
        if (old != null) {
            throw new IllegalStateException("Two stage providers claim '" + p.role() + ": " + p.method() + "': "
                    + old.getClass().getName() + " and " + p.getClass().getName());
        }
    }

    /** The provider of {@code role}/{@code method} (null method: the role's default). */
    public StageProvider<?> find(String role, String method, String where) {
        Map<String, StageProvider<?>> methods = byRole.get(role);
        if (methods == null) {
            throw new RecipeException(where + ": unknown stage '" + role + "'. Stages are: "
                    + String.join(", ", byRole.keySet()) + " (run 'curator list' to see every method)"
                    + ai.curator.recipe.OptionErrors.suggest(role, byRole.keySet()));
        }
        String m = method != null ? method : DEFAULT_METHOD.get(role);
        if (m == null) {
            throw new RecipeException(where + ": stage '" + role + "' needs a method, one of: "
                    + String.join(", ", methods.keySet()) + ", e.g. '- " + role + ": {method: "
                    + methods.keySet().iterator().next() + "}'");
        }
        StageProvider<?> p = methods.get(m);
        if (p == null) {
            throw new RecipeException(where + ": unknown " + role + " method '" + m + "'. Methods are: "
                    + String.join(", ", methods.keySet())
                    + ai.curator.recipe.OptionErrors.suggest(m, methods.keySet()));
        }
        return p;
    }

    /** Every provider, by role then method. */
    public List<StageProvider<?>> all() {
        List<StageProvider<?>> out = new ArrayList<>();
        byRole.values().forEach(m -> out.addAll(m.values()));
        return Collections.unmodifiableList(out);
    }
}
