package org.neurosweep.tensor;

/** A pickle that names a global outside the tensor-rebuilding allowlist; it is refused before anything is called. */
public final class UnsafePickleException extends TensorFormatException {

    private static final long serialVersionUID = 1L;

    public UnsafePickleException(String message) {
        super(message);
    }
}
