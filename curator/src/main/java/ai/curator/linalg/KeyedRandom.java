package ai.curator.linalg;

import java.util.SplittableRandom;

/**
 * Counter-based random numbers: the draw for {@code (key, index)} is a pure function of the two, so
 * rows can be drawn for in any order, on any machine and in any partition of the data, and give the
 * same values. {@code key} comes from a stage's own stream (one {@code nextLong()}), {@code index} is
 * a row's position in the data set (or a block's number). SplitMix64's finaliser (Stafford's mix 13)
 * applied twice: to the key, then to the key's mix plus the index times the golden gamma, as
 * {@link SplittableRandom} seeds its streams.
 */
public final class KeyedRandom {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private KeyedRandom() {}

    /** 64 random bits for {@code (key, index)}. */
    public static long bits(long key, long index) {
        return mix64(mix64(key) + (index + 1) * GOLDEN_GAMMA);
    }

    /** A uniform draw in [0, 1) for {@code (key, index)}, 53 random bits. */
    public static double uniform(long key, long index) {
        return (bits(key, index) >>> 11) * 0x1.0p-53;
    }

    /** A sequential stream of its own for {@code (key, index)}, e.g. for the draws inside one block. */
    public static SplittableRandom stream(long key, long index) {
        return new SplittableRandom(bits(key, index));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
