package ai.curator.score;

import ai.curator.api.LossOracle;
import ai.curator.api.LossSourceProvider;
import ai.curator.api.Plan;
import ai.curator.api.StageContext;
import ai.curator.recipe.Json;
import ai.curator.recipe.OptionErrors;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Where a scorer's per-sample losses ℓ(i) come from — the {@code loss} option of scorers: a
 * source from {@link LossSources} and its validated options. In a recipe, {@code loss: {source:
 * NAME, option: value, …}}, or just {@code loss: NAME}; no {@code source} (or no {@code loss})
 * means {@code squared_norm}.
 * The bundled sources are {@code squared_norm} ({@link SquaredNormLossSource}), {@code column}
 * ({@link ColumnLossSource}) and {@code logistic} ({@link LogisticLossSource}); modules add more
 * through {@link LossSourceProvider}.
 *
 * <p>Read from YAML/JSON by Jackson (the map's keys other than {@code source} go to the source's
 * options record, unknown keys rejected); written back with every option resolved, for
 * provenance and the stage cache key.
 */
public final class LossSpec {
    private final LossSourceProvider<?> provider;
    private final Record options;

    private LossSpec(LossSourceProvider<?> provider, Record options) {
        this.provider = provider;
        this.options = options;
    }

    /** The default: ‖x‖². */
    public static LossSpec squaredNorm() {
        return of("squared_norm", Map.of());
    }

    /**
     * The spec of source {@code source} with {@code options} (recipe keys, snake_case).
     *
     * @throws IllegalArgumentException for an unknown source or option, or a bad value, naming it
     */
    public static LossSpec of(String source, Map<String, ?> options) {
        ObjectNode node = Json.MAPPER.valueToTree(options);
        node.put("source", source);
        return fromJson(node);
    }

    /** Reads {@code {source: NAME, …}}; how Jackson reads the {@code loss} option. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static LossSpec fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return squaredNorm();
        }
        if (node.isTextual()) {
            return of(node.textValue(), Map.of()); // loss: logistic, shorthand for {source: logistic}
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "loss must be a map such as {source: squared_norm} or {source: column, column: loss}, got " + node);
        }
        ObjectNode rest = ((ObjectNode) node).deepCopy();
        JsonNode src = rest.remove("source");
        if (src != null && !src.isNull() && !src.isTextual()) {
            throw new IllegalArgumentException("loss.source must be a name such as squared_norm, got " + src);
        }
        String name = src == null || src.isNull() ? "squared_norm" : src.textValue();
        LossSourceProvider<?> provider = LossSources.load().find(name);
        return new LossSpec(provider, readOptions(provider, rest));
    }

    private static Record readOptions(LossSourceProvider<?> provider, ObjectNode rest) {
        TreeSet<String> valid = new TreeSet<>();
        for (var c : provider.optionsType().getRecordComponents()) {
            valid.add(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()));
        }
        for (var it = rest.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!valid.contains(k)) {
                throw new IllegalArgumentException("unknown option 'loss." + k + "' for loss source '"
                        + provider.name() + "'. Valid options: source"
                        + (valid.isEmpty() ? "" : ", " + String.join(", ", valid))
                        + OptionErrors.suggest(k, valid));
            }
        }
        try {
            return Json.MAPPER.treeToValue(rest, provider.optionsType());
        } catch (JsonProcessingException e) {
            // no cause: the recipe reader reports the innermost message
            throw new IllegalArgumentException(OptionErrors.describe(e, "loss source '" + provider.name() + "'")
                    .replace("option '", "option 'loss."));
        }
    }

    /** The resolved spec, {@code {source: NAME, every option with its default}}. */
    @JsonValue
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("source", provider.name());
        out.setAll((ObjectNode) Json.MAPPER.valueToTree(options));
        return out;
    }

    /** The source's name. */
    public String source() {
        return provider.name();
    }

    /** The source's validated options record. */
    public Record options() {
        return options;
    }

    /** The source. */
    public LossSourceProvider<?> provider() {
        return provider;
    }

    /** Checks what the source needs against the plan ({@link LossSourceProvider#plan}). */
    public void plan(Plan plan) {
        plan(provider, options, plan);
    }

    /** The source's oracle for this run ({@link LossSourceProvider#create}). */
    public LossOracle create(StageContext ctx) {
        return create(provider, options, ctx);
    }

    /** What decides the losses beyond the options ({@link LossSourceProvider#fingerprint}). */
    public String fingerprint() {
        return fingerprint(provider, options);
    }

    private static <O extends Record> String fingerprint(LossSourceProvider<O> p, Record o) {
        return p.fingerprint(p.optionsType().cast(o));
    }

    /** The closed-form basis losses, or null ({@link LossSourceProvider#basisLosses}). */
    public double[] basisLosses(int rank) {
        return basisLosses(provider, options, rank);
    }

    private static <O extends Record> void plan(LossSourceProvider<O> p, Record o, Plan plan) {
        p.plan(p.optionsType().cast(o), plan);
    }

    private static <O extends Record> LossOracle create(LossSourceProvider<O> p, Record o, StageContext ctx) {
        return p.create(p.optionsType().cast(o), ctx);
    }

    private static <O extends Record> double[] basisLosses(LossSourceProvider<O> p, Record o, int rank) {
        return p.basisLosses(p.optionsType().cast(o), rank);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossSpec s && s.provider == provider && s.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(provider.name(), options);
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
