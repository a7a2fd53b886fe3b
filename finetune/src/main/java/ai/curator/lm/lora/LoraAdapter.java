package ai.curator.lm.lora;

import ai.curator.api.DataException;
import ai.curator.io.AtomicFiles;
import ai.curator.lm.Checkpoint.Tensor;
import ai.curator.lm.ModelConfig.Architecture;
import ai.curator.lm.io.SafetensorsReader;
import ai.curator.lm.io.SafetensorsWriter;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.Projection;
import ai.curator.lm.model.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A LoRA adapter installed on a {@link CausalLm}: for each target projection {@code W} [out, in],
 * trainable {@code A} [r, in] and {@code B} [out, r], and the projection's output becomes {@code
 * W·x + B·A·dropout(x)·s} with {@code s = α/r} (or {@code α/√r} for an rsLoRA adapter loaded from
 * PEFT). A is initialised as PEFT does (Kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in)) from
 * the seed, B as zeros, so a fresh adapter leaves the model's outputs unchanged.
 *
 * <p>Saved in Hugging Face PEFT's format, which {@code peft} and vLLM load: {@code
 * adapter_model.safetensors} with tensors {@code base_model.model.<module>.lora_A.weight} [r, in]
 * and {@code ….lora_B.weight} [out, r], and {@code adapter_config.json}. Dropout is off unless a
 * trainer calls {@link #train(long)} before a forward pass; its masks come from a Java RNG seeded
 * per pass, so a run is reproducible and resumable.
 */
public final class LoraAdapter implements AutoCloseable {
    /** The safetensors file's name in an adapter directory. */
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The config file's name in an adapter directory. */
    public static final String CONFIG = "adapter_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "base_model.model.";

    /** One adapted projection. */
    private record Layer(Projection projection, NDArray a, NDArray b) {}

    private final CausalLm lm;
    private final int rank;
    private final double alpha;
    private final double dropout;
    private final double scaling;
    private final boolean rslora;
    private final List<String> peftTargets;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private final Map<String, Projection.Delta> installed = new LinkedHashMap<>();
    private final NDArray scale;
    private SplittableRandom dropoutRng;

    private LoraAdapter(
            CausalLm lm,
            int rank,
            double alpha,
            double dropout,
            boolean rslora,
            List<String> peftTargets,
            Map<String, float[][]> weights) {
        this.lm = lm;
        this.rank = rank;
        this.alpha = alpha;
        this.dropout = dropout;
        this.rslora = rslora;
        this.scaling = rslora ? alpha / Math.sqrt(rank) : alpha / rank;
        this.peftTargets = List.copyOf(peftTargets);
        this.scale = Tensors.scalar(lm.manager(), (float) scaling);
        for (Map.Entry<String, float[][]> e : weights.entrySet()) {
            Projection p = lm.projections().get(e.getKey());
            NDArray a = Tensors.floats(lm.manager(), e.getValue()[0], new Shape(rank, p.in()));
            NDArray b = Tensors.floats(lm.manager(), e.getValue()[1], new Shape(p.out(), rank));
            Layer layer = new Layer(p, a, b);
            layers.put(e.getKey(), layer);
            Projection.Delta d = x -> delta(layer, x);
            installed.put(e.getKey(), d);
            p.setDelta(d);
        }
    }

    /**
     * A fresh adapter (A random from {@code config.seed()}, B zero) installed on {@code lm}'s target
     * projections, replacing any other delta there.
     *
     * @throws IllegalArgumentException when a target does not exist in this architecture
     */
    public static LoraAdapter create(CausalLm lm, LoraConfig config) {
        Set<String> suffixes = new LinkedHashSet<>();
        for (String t : config.targets()) {
            suffixes.add(moduleSuffix(lm.config().architecture(), t));
        }
        Random rng = new Random(config.seed());
        Map<String, float[][]> weights = new LinkedHashMap<>();
        for (Projection p : lm.projections().values()) {
            if (suffixes.stream().noneMatch(s -> p.name().endsWith("." + s))) {
                continue;
            }
            int in = Math.toIntExact(p.in());
            float[] a = new float[config.rank() * in];
            double bound = 1 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            weights.put(p.name(), new float[][] {a, new float[Math.toIntExact(p.out()) * config.rank()]});
        }
        List<String> peft = new ArrayList<>();
        for (String s : suffixes) {
            peft.add(peftTarget(lm.config().architecture(), s));
        }
        return new LoraAdapter(lm, config.rank(), config.alpha(), config.dropout(), false, peft, weights);
    }

    /**
     * Loads a PEFT LoRA adapter directory ({@value #CONFIG} + {@value #WEIGHTS}) onto {@code lm}.
     *
     * @throws DataException naming the file and tensor when the adapter is not a LoRA adapter, uses
     *     an unsupported option, or does not fit this base model (unknown module, wrong shape)
     */
    public static LoraAdapter load(CausalLm lm, Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG);
        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(cfgFile) || !Files.isRegularFile(weightsFile)) {
            throw new DataException(dir + ": not a PEFT adapter directory (it needs " + CONFIG + " and " + WEIGHTS
                    + "; adapter_model.bin is not read)");
        }
        JsonNode cfg;
        try {
            cfg = JSON.readTree(cfgFile.toFile());
        } catch (IOException e) {
            throw new DataException(cfgFile + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!"LORA".equals(cfg.path("peft_type").asText())) {
            throw new DataException(cfgFile + ": peft_type is '"
                    + cfg.path("peft_type").asText() + "'; only LORA adapters are supported");
        }
        if (!"none".equals(cfg.path("bias").asText("none"))) {
            throw new DataException(
                    cfgFile + ": bias '" + cfg.path("bias").asText() + "' is not supported (only none)");
        }
        for (String unsupported : List.of("rank_pattern", "alpha_pattern")) {
            if (cfg.path(unsupported).size() > 0) {
                throw new DataException(cfgFile + ": " + unsupported + " is not supported");
            }
        }
        if (cfg.path("use_dora").asBoolean(false)) {
            throw new DataException(cfgFile + ": use_dora is not supported");
        }
        int r = cfg.path("r").asInt(0);
        if (r < 1 || !cfg.path("lora_alpha").isNumber()) {
            throw new DataException(cfgFile + ": needs a positive r and a numeric lora_alpha, found r=" + cfg.path("r")
                    + ", lora_alpha=" + cfg.path("lora_alpha"));
        }
        double alpha = cfg.path("lora_alpha").asDouble();
        double dropout = cfg.path("lora_dropout").asDouble(0);
        boolean rslora = cfg.path("use_rslora").asBoolean(false);
        List<String> targets = new ArrayList<>();
        if (cfg.path("target_modules").isArray()) {
            cfg.path("target_modules").forEach(n -> targets.add(n.asText()));
        } else if (cfg.path("target_modules").isTextual()) {
            targets.add(cfg.path("target_modules").asText());
        }
        Map<String, Tensor> tensors = SafetensorsReader.readAll(weightsFile);
        Map<String, float[][]> weights = new LinkedHashMap<>();
        String base = lm.source();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            boolean isA = name.endsWith(".lora_A.weight");
            boolean isB = name.endsWith(".lora_B.weight");
            if (!name.startsWith(PREFIX) || !(isA || isB)) {
                throw new DataException(weightsFile + ": tensor '" + name
                        + "' is not a LoRA weight (expected base_model.model.<module>.lora_A.weight / lora_B.weight)");
            }
            String module = name.substring(PREFIX.length(), name.length() - ".lora_A.weight".length());
            Projection p = lm.projections().get(module);
            if (p == null) {
                throw new DataException(weightsFile + ": tensor '" + name + "' adapts module '" + module
                        + "', which the base model " + base + " does not have; the adapter is for a different base");
            }
            long[] want = isA ? new long[] {r, p.in()} : new long[] {p.out(), r};
            if (!Arrays.equals(e.getValue().shape(), want)) {
                throw new DataException(weightsFile + ": tensor '" + name + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + ", the base model " + base + " needs "
                        + Arrays.toString(want) + " (r=" + r + "); the adapter is for a different base");
            }
            weights.computeIfAbsent(module, k -> new float[2][])[isA ? 0 : 1] =
                    e.getValue().data();
        }
        for (Map.Entry<String, float[][]> e : weights.entrySet()) {
            if (e.getValue()[0] == null || e.getValue()[1] == null) {
                throw new DataException(weightsFile + ": module '" + e.getKey() + "' has only its "
                        + (e.getValue()[0] == null ? "lora_B" : "lora_A") + " weight");
            }
        }
        if (weights.isEmpty()) {
            throw new DataException(weightsFile + ": holds no LoRA weights");
        }
        Map<String, float[][]> ordered = new LinkedHashMap<>();
        for (String module : lm.projections().keySet()) {
            if (weights.containsKey(module)) {
                ordered.put(module, weights.get(module));
            }
        }
        return new LoraAdapter(lm, r, alpha, dropout, rslora, targets, ordered);
    }

    /**
     * Writes the adapter in PEFT's format to {@code dir}: a new directory appears whole or not at
     * all; in a directory holding an earlier adapter each file is replaced atomically.
     *
     * @param baseModel {@code base_model_name_or_path} for the config (a hub id or a path)
     */
    public void save(Path dir, String baseModel) throws IOException {
        Map<String, Tensor> tensors = tensors();
        ObjectNode cfg = config(baseModel);
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                for (Path f : (Iterable<Path>) s::iterator) {
                    String n = f.getFileName().toString();
                    if (!n.equals(WEIGHTS) && !n.equals(CONFIG) && !n.contains(AtomicFiles.TMP_MARK)) {
                        throw new DataException(dir + ": holds " + n + ", not an adapter directory; not replacing it");
                    }
                }
            }
        }
        if (!Files.exists(dir)) {
            AtomicFiles.writeVia(dir, tmp -> {
                Files.createDirectories(tmp);
                SafetensorsWriter.write(tmp.resolve(WEIGHTS), tensors, SafetensorsWriter.ptMetadata());
                Files.write(
                        tmp.resolve(CONFIG),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
            });
            return;
        }
        // an earlier adapter: replace each file atomically, weights first (a kill in between leaves
        // the new weights with the old config)
        SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, SafetensorsWriter.ptMetadata());
        AtomicFiles.write(
                dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
    }

    /** {@code adapter_config.json}'s content. */
    ObjectNode config(String baseModel) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("alpha_pattern");
        n.putNull("auto_mapping");
        n.put("base_model_name_or_path", baseModel);
        n.put("bias", "none");
        n.put("fan_in_fan_out", lm.config().architecture() == Architecture.GPT2);
        n.put("inference_mode", true);
        n.put("init_lora_weights", true);
        n.putNull("layers_pattern");
        n.putNull("layers_to_transform");
        n.put("lora_alpha", alpha);
        n.put("lora_dropout", dropout);
        n.putNull("modules_to_save");
        n.put("peft_type", "LORA");
        n.put("r", rank);
        n.putObject("rank_pattern");
        n.putNull("revision");
        ArrayNode t = n.putArray("target_modules");
        peftTargets.forEach(t::add);
        n.put("task_type", "CAUSAL_LM");
        n.put("use_dora", false);
        n.put("use_rslora", rslora);
        return n;
    }

    /** The weights under PEFT's names ({@code base_model.model.<module>.lora_A.weight}, …), in module order. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters().entrySet()) {
            out.put(
                    e.getKey(),
                    new Tensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
        }
        return out;
    }

    /**
     * The trainable arrays under PEFT's names, A before B, in module order: the model reads them on
     * every pass, so updating them in place updates the model.
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Layer> e : layers.entrySet()) {
            out.put(PREFIX + e.getKey() + ".lora_A.weight", e.getValue().a);
            out.put(PREFIX + e.getKey() + ".lora_B.weight", e.getValue().b);
        }
        return out;
    }

    /** Names of the adapted projections, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public Set<String> modules() {
        return java.util.Collections.unmodifiableSet(layers.keySet());
    }

    /** r. */
    public int rank() {
        return rank;
    }

    /** α. */
    public double alpha() {
        return alpha;
    }

    /** The training-time dropout probability. */
    public double dropout() {
        return dropout;
    }

    /** The factor of B·A: α/r (α/√r for rsLoRA). */
    public double scaling() {
        return scaling;
    }

    /** Turns dropout on for the next passes, with masks drawn from {@code passSeed}. */
    public void train(long passSeed) {
        dropoutRng = dropout > 0 ? new SplittableRandom(passSeed) : null;
    }

    /** Turns dropout off (the default). */
    public void eval() {
        dropoutRng = null;
    }

    private NDArray delta(Layer layer, NDArray x) {
        NDArray in = x;
        SplittableRandom rng = dropoutRng;
        if (rng != null) {
            Shape shape = x.getShape();
            float[] mask = new float[Math.toIntExact(shape.size())];
            float keep = (float) (1 / (1 - dropout));
            for (int i = 0; i < mask.length; i++) {
                mask[i] = rng.nextDouble() < dropout ? 0f : keep;
            }
            in = x.mul(Tensors.floats(x.getManager(), mask, shape));
        }
        NDArray low = Linear.linear(in, layer.a).singletonOrThrow();
        return Linear.linear(low, layer.b).singletonOrThrow().mul(scale);
    }

    /** Removes the adapter from the model (its projections get no delta) and frees its arrays. */
    @Override
    public void close() {
        for (Layer l : layers.values()) {
            if (l.projection.delta() == installed.get(l.projection.name())) {
                l.projection.setDelta(null); // unless another adapter replaced this one there
            }
            l.a.close();
            l.b.close();
        }
        scale.close();
    }

    /** The module-name suffix of a short target name in {@code arch}. */
    static String moduleSuffix(Architecture arch, String target) {
        if (arch == Architecture.LLAMA) {
            return switch (target) {
                case "q", "k", "v", "o" -> "self_attn." + target + "_proj";
                default -> "mlp." + target + "_proj";
            };
        }
        return switch (target) {
            case "q", "k", "v" -> "attn.c_attn";
            case "o" -> "attn.c_proj";
            case "up" -> "mlp.c_fc";
            case "down" -> "mlp.c_proj";
            default -> throw new IllegalArgumentException(
                    "lora.targets: GPT-2 has no '" + target + "' projection; use q/k/v (c_attn), o, up, down");
        };
    }

    /** The name PEFT's target_modules uses: the leaf name, or parent.leaf where the leaf is ambiguous (GPT-2's c_proj). */
    private static String peftTarget(Architecture arch, String suffix) {
        String leaf = suffix.substring(suffix.indexOf('.') + 1);
        return arch == Architecture.GPT2 && leaf.equals("c_proj") ? suffix : leaf;
    }
}
