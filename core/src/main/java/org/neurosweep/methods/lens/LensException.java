package org.neurosweep.methods.lens;

/** The logit lens cannot be applied to a model (e.g. its final norm is not an RMSNorm). */
public final class LensException extends RuntimeException {

    public LensException(String message) {
        super(message);
    }
}
