package ai.curator.lm.model;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * An affine map {@code y = x·Wᵀ + b} with frozen weights, plus an optional trainable {@link Delta}
 * added to its output — the hook of low-rank adapters ({@code y += B·A·x·α/r}, LoRA).
 *
 * <p>{@code W} is [out, in] like a Hugging Face {@code nn.Linear} (GPT-2's Conv1D weights are
 * transposed on load), so the product is one {@code torch.nn.functional.linear} call.
 */
public final class Projection {
    /** A trainable addition to a projection's output, computed from the same input. */
    @FunctionalInterface
    public interface Delta {
        /**
         * @param x the projection's input [..., in]
         * @return the addition to its output [..., out]
         */
        NDArray apply(NDArray x);
    }

    private final String name;
    private final NDArray weight;
    private final NDArray bias;
    private volatile Delta delta;

    Projection(String name, NDArray weight, NDArray bias) {
        this.name = Objects.requireNonNull(name, "name");
        this.weight = Objects.requireNonNull(weight, "weight");
        this.bias = bias;
    }

    /** {@code x·Wᵀ + b (+ delta(x))}. */
    public NDArray apply(NDArray x) {
        NDArray y = bias == null
                ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
                : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        Delta d = delta;
        return d == null ? y : y.add(d.apply(x));
    }

    /** The Hugging Face module name, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String name() {
        return name;
    }

    /** Input width. */
    public long in() {
        return weight.getShape().get(1);
    }

    /** Output width. */
    public long out() {
        return weight.getShape().get(0);
    }

    /** The frozen weight [out, in] (no gradient is recorded for it). */
    public NDArray weight() {
        return weight;
    }

    /** The frozen bias [out], or null. */
    public NDArray bias() {
        return bias;
    }

    /** Sets (or, with null, removes) the trainable addition. */
    public void setDelta(Delta delta) {
        this.delta = delta;
    }

    /** The trainable addition, or null. */
    public Delta delta() {
        return delta;
    }
}
