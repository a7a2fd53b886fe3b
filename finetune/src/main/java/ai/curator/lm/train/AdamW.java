package ai.curator.lm.train;

/**
 * AdamW with decoupled weight decay, as {@code torch.optim.AdamW} computes it: {@code p ← p − lr·λ·p},
 * {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²}, {@code p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)}.
 * Moments are float32 (as torch keeps them) so a checkpoint restores them exactly; the arithmetic
 * of one element is done in double and rounded once.
 *
 * @param beta1 β₁ (0.9)
 * @param beta2 β₂ (0.999)
 * @param epsilon ε (1e-8)
 * @param weightDecay λ (0)
 */
public record AdamW(double beta1, double beta2, double epsilon, double weightDecay) {
    public AdamW {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("adam epsilon must be > 0, got " + epsilon);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        }
    }

    /**
     * The change to subtract from {@code param} for update number {@code t} (1-based), updating the
     * moments in place.
     *
     * @return δ with {@code p_new = p − δ}
     */
    public float[] delta(float[] param, float[] grad, float[] m, float[] v, long t, double lr) {
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / c1;
        float[] d = new float[param.length];
        for (int i = 0; i < param.length; i++) {
            double g = grad[i];
            m[i] = (float) (beta1 * m[i] + (1 - beta1) * g);
            v[i] = (float) (beta2 * v[i] + (1 - beta2) * g * g);
            double denom = Math.sqrt(v[i]) / c2 + epsilon;
            d[i] = (float) (lr * weightDecay * param[i] + stepSize * m[i] / denom);
        }
        return d;
    }
}
