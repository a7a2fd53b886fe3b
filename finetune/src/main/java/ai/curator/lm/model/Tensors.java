package ai.curator.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java values in memory that PyTorch owns — the one way this package hands weights,
 * inputs and constants to PyTorch.
 *
 * <p>DJL's PyTorch engine wraps a Java buffer without copying it, and its {@code mul(Number)}, {@code
 * add(Number)}, … build such a tensor for the constant and close it right after the operation; an
 * autograd graph that saved it would read freed memory after a garbage collection (the learn
 * module's ASSS bug). Copies made here are PyTorch's own, reference-counted by the graph.
 */
public final class Tensors {
    private Tensors() {}

    /** A float32 array of shape {@code shape} holding {@code v} (row-major). */
    public static NDArray floats(NDManager m, float[] v, Shape shape) {
        try (NDArray view = m.create(v, shape)) {
            return view.duplicate();
        }
    }

    /** An int64 array of shape {@code shape} holding {@code v} (row-major). */
    public static NDArray longs(NDManager m, long[] v, Shape shape) {
        try (NDArray view = m.create(v, shape)) {
            return view.duplicate();
        }
    }

    /** A 0-d float32 array holding {@code v}, for arithmetic with a constant. */
    public static NDArray scalar(NDManager m, float v) {
        return floats(m, new float[] {v}, new Shape());
    }
}
