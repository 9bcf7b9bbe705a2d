package org.neurosweep.quant;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;

/**
 * GPTQ over a whole decoder, layer after layer as in the paper: the calibration sequences run through the model, the
 * inputs of layer l's target projections are captured at the runtime's hook points ({@code attn_in} for q/k/v_proj,
 * {@code attn.head_out} for o_proj, {@code mlp_in} for gate/up_proj, {@code mlp.post} for down_proj) and summed into
 * one {@link Hessian} per input, every target of layer l is quantized with {@link Gptq}, and its dequantized weight
 * replaces the model's before layer l + 1 is calibrated, so later layers see the quantized earlier ones.
 */
public final class GptqModel {

    private static final Pattern MODULE = Pattern.compile(
            "model\\.layers\\.(\\d+)\\.(?:self_attn\\.(q|k|v|o)_proj|mlp\\.(gate|up|down)_proj)");

    /**
     * One quantized projection and its GPTQ objective on its calibration inputs (mean squared output error per output
     * unit and token, {@link Gptq#outputError}), next to round-to-nearest's on the same inputs.
     */
    public record Layer(QuantizedLinear quantized, long calibrationRows, double outputError, double rtnOutputError) {
    }

    private static final int BATCH = 8;

    private GptqModel() {
    }

    /**
     * Quantizes the projections {@code targets} accepts (weight names) given calibration token sequences; the model
     * is left holding the dequantized weights of those projections. Returns the layers by module name.
     */
    public static Map<String, Layer> quantize(CausalLM model, Predicate<String> targets,
                                                        List<int[]> calibration, Gptq.Settings settings) {
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("GPTQ needs at least one calibration sequence");
        }
        Map<Integer, Map<String, String>> byLayer = new TreeMap<>();      // layer → module → input hook
        for (String name : new TreeMap<>(model.parameters()).keySet()) {
            if (targets.test(name)) {
                String module = LotaQaf.module(name);
                Matcher m = MODULE.matcher(module);
                if (!m.matches()) {
                    throw new IllegalArgumentException("GPTQ calibrates the attention and MLP projections of decoder "
                            + "layers (model.layers.L.self_attn.q|k|v|o_proj, model.layers.L.mlp.gate|up|down_proj); "
                            + "target " + module + " is none of them");
                }
                int layer = Integer.parseInt(m.group(1));
                HookNames.Layer n = HookNames.layer(layer);
                String hook = m.group(2) != null
                        ? (m.group(2).equals("o") ? n.attnHeadOut : n.attnIn)
                        : (m.group(3).equals("down") ? n.mlpPost : n.mlpIn);
                byLayer.computeIfAbsent(layer, k -> new TreeMap<>()).put(module, hook);
            }
        }
        if (byLayer.isEmpty()) {
            throw new IllegalArgumentException("no projection of the model matches the targets");
        }
        Map<String, Layer> out = new TreeMap<>();
        for (Map<String, String> modules : byLayer.values()) {
            Map<String, Hessian> hessians = hessians(model, modules, calibration);
            modules.forEach((module, hook) -> {
                Var weight = model.parameters().get(module + ".weight");
                INDArray w = weight.value().transpose().dup('c');
                double[] h = hessians.get(hook).matrix();
                QuantizedLinear q = Gptq.quantize(w, h, settings);
                INDArray rtn = RoundToNearest.quantize(w, settings.bits(), settings.groupSize()).weight();
                out.put(module, new Layer(q, hessians.get(hook).rows(), Gptq.outputError(w, q.weight(), h),
                        Gptq.outputError(w, rtn, h)));
                weight.value().transpose().assign(q.weight());
            });
        }
        return out;
    }

    // one Hessian per input hook of the layer, over every calibration token; sequences run right-padded in batches of
    // BATCH (causal attention: a real token never sees the padding after it) and the padded rows are left out
    private static Map<String, Hessian> hessians(CausalLM model, Map<String, String> modules, List<int[]> calibration) {
        Map<String, Hessian> hessians = new TreeMap<>();
        String[] inputs = modules.values().stream().distinct().toArray(String[]::new);
        Hooks hooks = new Hooks().capture(inputs);
        for (int from = 0; from < calibration.size(); from += BATCH) {
            List<int[]> batch = calibration.subList(from, Math.min(from + BATCH, calibration.size()));
            int t = batch.stream().mapToInt(r -> r.length).max().orElse(0);
            int[] realRows = new int[batch.stream().mapToInt(r -> r.length).sum()];
            int k = 0;
            for (int r = 0; r < batch.size(); r++) {
                for (int j = 0; j < batch.get(r).length; j++) {
                    realRows[k++] = r * t + j;
                }
            }
            try (Forward f = model.forward(Batch.rightPadded(batch, 0), hooks, null)) {
                for (String hook : inputs) {
                    INDArray x = f.captures().get(hook);
                    long width = x.rank() == 4 ? x.size(2) * x.size(3) : x.size(x.rank() - 1);
                    INDArray rows = x.dup('c').reshape('c', x.length() / width, width).getRows(realRows);
                    hessians.computeIfAbsent(hook, h -> new Hessian((int) width)).add(rows);
                }
            }
        }
        return hessians;
    }
}
