package org.neurosweep.quant;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;

/**
 * LoTA-QAF over a whole model: which projections are adapted, their quantization, and one ternary adapter each.
 * Quantized layers are keyed by module name ({@code model.layers.0.mlp.down_proj}); the model's weight of a module is
 * {@code module + ".weight"}.
 */
public final class LotaQaf {

    /** The paper's targets: every attention and MLP projection of every decoder layer. */
    public static final String DEFAULT_TARGETS = ".*\\.(q|k|v|o|gate|up|down)_proj";

    private LotaQaf() {
    }

    /** Accepts weight names whose module matches {@code moduleRegex} entirely. */
    public static Predicate<String> targets(String moduleRegex) {
        Pattern p = Pattern.compile(moduleRegex);
        return name -> name.endsWith(".weight") && p.matcher(module(name)).matches();
    }

    /** {@code a.b.weight} → {@code a.b}. */
    public static String module(String weightName) {
        return weightName.substring(0, weightName.length() - ".weight".length());
    }

    /** Round-to-nearest quantization of the model's target projections, by module name. */
    public static Map<String, QuantizedLinear> quantize(CausalLM model, Predicate<String> targets, int bits,
                                                        int groupSize) {
        Map<String, QuantizedLinear> layers = new TreeMap<>();
        for (Map.Entry<String, Var> e : new TreeMap<>(model.parameters()).entrySet()) {
            if (targets.test(e.getKey())) {
                layers.put(module(e.getKey()), RoundToNearest.quantize(e.getValue().value().transpose(), bits, groupSize));
            }
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no projection of the model matches the targets");
        }
        return layers;
    }

    /** One fresh ternary adapter per layer, keyed by weight name; layer k (in name order) draws from seed + k. */
    public static Map<String, TernaryAdapter> adapters(Map<String, QuantizedLinear> layers,
                                                       TernaryAdapter.Settings settings, long seed) {
        Map<String, TernaryAdapter> out = new LinkedHashMap<>();
        long k = 0;
        for (Map.Entry<String, QuantizedLinear> e : new TreeMap<>(layers).entrySet()) {
            out.put(e.getKey() + ".weight", TernaryAdapter.init(e.getValue(), settings, seed + k++));
        }
        return out;
    }

    /** The merged layers (Q + M, s, z, δ) of trained adapters, by module name. */
    public static Map<String, QuantizedLinear> merge(Map<String, TernaryAdapter> adapters) {
        Map<String, QuantizedLinear> out = new TreeMap<>();
        adapters.forEach((weight, adapter) -> out.put(module(weight), adapter.merged()));
        return out;
    }
}
