package org.neurosweep.model;

import java.util.Locale;

/**
 * Rotary position embedding parameters, as HF's {@code rope_parameters} (new spelling) or
 * {@code rope_theta}/{@code rope_scaling}/{@code rotary_pct} (hub spelling) describe them.
 *
 * @param factor                 scaling factor (linear, llama3); 1 for default
 * @param lowFreqFactor          llama3 only
 * @param highFreqFactor         llama3 only
 * @param originalMaxPositions   llama3 only: the context length the model was pretrained with
 * @param partialRotaryFactor    fraction of each head's dimensions that rotate (GPT-NeoX); 1 elsewhere
 */
public record RopeConfig(Type type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                         int originalMaxPositions, double partialRotaryFactor) {

    /** The RoPE variants this runtime computes; anything else is rejected when the config is read. */
    public enum Type {
        DEFAULT, LINEAR, LLAMA3;

        static Type parse(String name, ConfigJson json, String key) {
            for (Type t : values()) {
                if (t.name().equalsIgnoreCase(name)) {
                    return t;
                }
            }
            throw json.error(key, "has unsupported RoPE type '" + name + "'; supported: default, linear, llama3");
        }
    }

    /** Number of leading head dimensions that rotate (even). */
    public int rotaryDim(int headDim) {
        return (int) (headDim * partialRotaryFactor);
    }

    /** HF's {@code inv_freq}: one frequency per rotating pair, {@code rotaryDim(headDim) / 2} values. */
    public float[] inverseFrequencies(int headDim) {
        int dim = rotaryDim(headDim);
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            double base = 1.0 / Math.pow(theta, (2.0 * i) / dim);
            inv[i] = (float) switch (type) {
                case DEFAULT -> base;
                case LINEAR -> base / factor;
                case LLAMA3 -> llama3(base);
            };
        }
        return inv;
    }

    // Llama 3.1 frequency smoothing: long wavelengths are divided by factor, short ones kept, the band between interpolated.
    private double llama3(double freq) {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        double wavelen = 2 * Math.PI / freq;
        if (wavelen > lowFreqWavelen) {
            return freq / factor;
        }
        if (wavelen < highFreqWavelen) {
            return freq;
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * freq / factor + smooth * freq;
    }

    /** Reads either spelling; {@code rope_parameters} wins when both are present. */
    static RopeConfig read(ConfigJson json) {
        ConfigJson params = json.object("rope_parameters");
        double theta;
        if (params != null) {
            theta = params.number("rope_theta", json.number("rope_theta", 10000.0));
        } else {
            theta = json.number("rope_theta", json.number("rotary_emb_base", 10000.0));
            params = json.object("rope_scaling");
        }
        double partial = json.number("partial_rotary_factor", json.number("rotary_pct", 1.0));
        if (params == null) {
            return new RopeConfig(Type.DEFAULT, theta, 1, 0, 0, 0, partial);
        }
        partial = params.number("partial_rotary_factor", partial);
        String typeKey = params.has("rope_type") ? "rope_type" : "type";
        Type type = Type.parse(params.string(typeKey, "default").toLowerCase(Locale.ROOT), params, typeKey);
        return switch (type) {
            case DEFAULT -> new RopeConfig(type, theta, 1, 0, 0, 0, partial);
            case LINEAR -> new RopeConfig(type, theta, params.requireDouble("factor"), 0, 0, 0, partial);
            case LLAMA3 -> new RopeConfig(type, theta, params.requireDouble("factor"),
                    params.requireDouble("low_freq_factor"), params.requireDouble("high_freq_factor"),
                    params.requireInt("original_max_position_embeddings"), partial);
        };
    }
}
