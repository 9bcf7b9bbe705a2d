package org.neurosweep.model;

import java.util.Locale;

/** FFN nonlinearities by their HF {@code hidden_act} names. */
public enum Activation {
    /** x·σ(x); HF "silu" or "swish". */
    SILU,
    /** exact (erf) GELU; HF "gelu". */
    GELU,
    /** tanh-approximated GELU; HF "gelu_pytorch_tanh" or "gelu_new" (Gemma, BLOOM). */
    GELU_TANH;

    static Activation parse(ConfigJson json, String key, Activation fallback) {
        String name = json.string(key, fallback.name()).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "silu", "swish" -> SILU;
            case "gelu" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_tanh" -> GELU_TANH;
            default -> throw json.error(key, "has unsupported activation '" + name
                    + "'; supported: silu, swish, gelu, gelu_pytorch_tanh, gelu_new");
        };
    }
}
