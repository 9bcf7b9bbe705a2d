package org.neurosweep.text;

/** A {@code tokenizer.json} (or its {@code tokenizer_config.json}) that cannot be read or parsed; the message names the file. */
public class TokenizerException extends RuntimeException {

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
