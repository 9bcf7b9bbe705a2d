package org.neurosweep.quant;

/**
 * How a GPTQ checkpoint stores its zero points ({@code quantization_config.checkpoint_format}): the older "v1"
 * ({@code gptq}, most checkpoints on the Hub) stores z − 1, "v2" ({@code gptq_v2}, GPTQModel's internal format) the
 * true zero z. Loaders normalize to the true zero.
 */
public enum ZeroFormat {
    V1("gptq", 1),
    V2("gptq_v2", 0);

    private final String configName;
    private final int storedOffset;

    ZeroFormat(String configName, int storedOffset) {
        this.configName = configName;
        this.storedOffset = storedOffset;
    }

    /** The {@code checkpoint_format} value. */
    public String configName() {
        return configName;
    }

    /** The true zero from a stored one. */
    public int trueZero(int stored) {
        return stored + storedOffset;
    }

    /** The stored value of a true zero; v1 cannot store z = 0. */
    public int stored(int zero) {
        if (zero - storedOffset < 0) {
            throw new IllegalArgumentException("the " + configName + " format cannot store zero point " + zero
                    + " (it stores z - 1); write " + V2.configName);
        }
        return zero - storedOffset;
    }

    /** The format named by {@code checkpoint_format}; absent means v1. */
    public static ZeroFormat ofConfig(String name) {
        if (name == null) {
            return V1;
        }
        for (ZeroFormat f : values()) {
            if (f.configName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown quantization_config.checkpoint_format '" + name
                + "'; expected gptq or gptq_v2");
    }
}
