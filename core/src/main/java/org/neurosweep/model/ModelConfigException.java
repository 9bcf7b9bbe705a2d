package org.neurosweep.model;


/** A {@code config.json} that cannot be used: missing or mistyped key, unsupported model type or option. */
public class ModelConfigException extends RuntimeException {

    public ModelConfigException(String message) {
        super(message);
    }

    static ModelConfigException at(String file, String key, String problem) {
        return new ModelConfigException(file + ": key '" + key + "' " + problem);
    }
}
