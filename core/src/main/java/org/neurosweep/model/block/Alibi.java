package org.neurosweep.model.block;

/**
 * ALiBi (Press et al., "Train Short, Test Long", 2022), as BLOOM computes it: head h adds slope_h · (key position) to
 * its attention scores. For n heads with n a power of two the slopes are the geometric sequence r, r², ..., rⁿ with
 * r = 2^(−8/n); otherwise the n' = 2^⌊log₂ n⌋ slopes of that sequence come first, followed by the odd powers
 * r'¹, r'³, ... of r' = 2^(−8/(2n')) for the remaining n − n' heads.
 */
public final class Alibi {

    private Alibi() {
    }

    /** One slope per head, in head order. */
    public static float[] slopes(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("ALiBi needs at least one head, got " + heads);
        }
        int pow2 = Integer.highestOneBit(heads);
        float[] out = new float[heads];
        double base = Math.pow(2, -8.0 / pow2);
        for (int i = 0; i < pow2; i++) {
            out[i] = (float) Math.pow(base, i + 1);
        }
        double extraBase = Math.pow(2, -8.0 / (2 * pow2));
        for (int i = 0; i < heads - pow2; i++) {
            out[pow2 + i] = (float) Math.pow(extraBase, 2 * i + 1);
        }
        return out;
    }
}
