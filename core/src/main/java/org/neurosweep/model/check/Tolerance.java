package org.neurosweep.model.check;

import java.util.Locale;

/** The acceptance rules of reference dumps (docs/reference-format.md). */
public enum Tolerance {
    /** fp32 reference: max|ours − ref| / max|ref| over real positions below 1e-4. */
    FP32(1e-4, 0),
    /**
     * Reference computed in bf16 arithmetic: ‖ours − ref‖ / ‖ref‖ below 3e-2, and for logits the same argmax at
     * almost every real position (at least 90%).
     */
    BF16(3e-2, 0.9);

    private final double limit;
    private final double argmaxAgreement;

    Tolerance(double limit, double argmaxAgreement) {
        this.limit = limit;
        this.argmaxAgreement = argmaxAgreement;
    }

    /** The bound on the error measure. */
    public double limit() {
        return limit;
    }

    /** The least fraction of real positions whose logits argmax must agree (0 = not checked). */
    public double argmaxAgreement() {
        return argmaxAgreement;
    }

    /** "fp32" or "bf16" (case-insensitive). */
    public static Tolerance parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tolerance '" + name + "'; supported: fp32, bf16");
        }
    }
}
