package ai.curator.learn.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java values, in memory that PyTorch owns — the one way this module hands data
 * and constants to PyTorch.
 *
 * <p>Why: DJL's PyTorch engine wraps a Java buffer without copying it ({@code from_blob}), so the
 * tensor does not own its memory; the Java object keeps the buffer alive only until it is closed or
 * collected. PyTorch's autograd graph, though, keeps its own reference to the tensors an operation
 * saved for {@code backward}. DJL's {@code mul(Number)}, {@code div(Number)}, … build such a tensor
 * for the constant and close it right after the operation, so a garbage collection between the
 * forward pass and {@code backward} let the graph read freed memory: the ASSS selector's gradient
 * was now and then garbage, and the same seed gave a different subset about one run in twenty
 * (measured on the toy of {@code AsssBehaviourTest}: 6 of 60 runs in one JVM with a 48 MB heap, 0
 * of 100 with no garbage collector, 0 of 100 after this fix). Copies made here are PyTorch's own,
 * reference-counted by the graph like every other tensor.
 */
public final class Tensors {
    private Tensors() {}

    /** A float32 array of shape {@code shape} holding {@code v} (row-major), owned by PyTorch. */
    public static NDArray create(NDManager m, float[] v, Shape shape) {
        try (NDArray view = m.create(v, shape)) {
            return view.duplicate();
        }
    }

    /**
     * A 0-d float32 array holding {@code v}, owned by PyTorch, for arithmetic with a constant. Use it
     * instead of {@code mul(Number)}, {@code div(Number)}, … wherever gradients are recorded.
     */
    public static NDArray scalar(NDManager m, float v) {
        return create(m, new float[] {v}, new Shape());
    }

    /**
     * Sets the values of {@code a} (float32, {@code v.length} elements) to {@code v}, in memory
     * PyTorch owns ({@code NDArray.set} would leave {@code a} pointing at a Java buffer); a parameter
     * keeps requiring gradients.
     */
    public static void set(NDArray a, float[] v) {
        boolean grad = a.hasGradient();
        a.intern(create(a.getManager(), v, a.getShape()));
        if (grad) {
            a.setRequiresGradient(true);
        }
    }
}
