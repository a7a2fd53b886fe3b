package ai.curator.api;

import java.util.function.Function;

/**
 * A {@link StageProvider} from its five facts, so that a stage registers in one constructor
 * call:
 *
 * <pre>
 * public static final class Provider extends BasicStageProvider&lt;Options&gt; {
 *   public Provider() {
 *     super("select", "uniform", "uniform random sample at a budget", Options.class, UniformSelector::new);
 *   }
 * }
 * </pre>
 *
 * @param <O> the options record
 */
public abstract class BasicStageProvider<O extends Record> implements StageProvider<O> {
    private final String role;
    private final String method;
    private final String summary;
    private final Class<O> optionsType;
    private final Function<O, Stage> factory;

    protected BasicStageProvider(
            String role, String method, String summary, Class<O> optionsType, Function<O, Stage> factory) {
        this.role = role;
        this.method = method;
        this.summary = summary;
        this.optionsType = optionsType;
        this.factory = factory;
    }

    @Override
    public final String role() {
        return role;
    }

    @Override
    public final String method() {
        return method;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final Class<O> optionsType() {
        return optionsType;
    }

    @Override
    public final Stage create(O options) {
        return factory.apply(options);
    }
}
