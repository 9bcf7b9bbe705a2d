package org.neurosweep.tensor;

/** A checkpoint file whose contents are malformed or unsupported; the message names the file and, where known, the tensor. */
public class TensorFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TensorFormatException(String message) {
        super(message);
    }

    public TensorFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
