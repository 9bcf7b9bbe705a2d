package org.neurosweep.methods.neurons;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Select;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.train.CheckpointWriter;

/**
 * The DEPN privacy editor (docs/methods/privacy-neurons.md): the selected neurons' activations are set to zero for every input.
 * Two equivalent realisations: at run time, an intervention zeroing those coordinates of the neuron hooks at every
 * position (the model's weights stay shared and untouched); or as a checkpoint, column k of the down projection of
 * each selected neuron zeroed (its output bias, if any, is left alone) and written with every other tensor unchanged
 * (widened to fp32, exact for bf16 and fp16), loadable by Hugging Face and by the runtime.
 */
public final class NeuronEditor {

    private NeuronEditor() {
    }

    /** Hooks that zero the neurons' activations at every position (an empty set edits nothing). */
    public static Hooks zeroing(ModelConfig config, Collection<NeuronId> neurons) {
        Hooks hooks = Hooks.none();
        groups(neurons).forEach((group, indices) -> hooks.zero(NeuronId.hook(config, group.get(0), group.get(1)),
                Select.all().features(indices)));
        return hooks;
    }

    /**
     * Writes {@code source}'s checkpoint to {@code target} with the neurons' down-projection columns zeroed;
     * config.json (dtype float32) and the tokenizer files come along.
     */
    public static void writeEdited(Path source, Path target, ModelConfig config, Collection<NeuronId> neurons)
            throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        try (TensorSource src = TensorSources.open(source)) {
            for (String name : src.names()) {
                tensors.put(name, src.load(name).castTo(DataType.FLOAT));
            }
        }
        for (Map.Entry<List<Integer>, int[]> e : groups(neurons).entrySet()) {
            String name = downProjection(config, e.getKey().get(0), e.getKey().get(1));
            INDArray w = tensors.get(name);                                      // (d_model, ffn), hub layout
            if (w == null) {
                throw new IllegalArgumentException("checkpoint " + source + " has no tensor " + name);
            }
            INDArray keep = Nd4j.ones(DataType.FLOAT, 1, w.size(1));
            for (int k : e.getValue()) {
                if (k < 0 || k >= w.size(1)) {
                    throw new IllegalArgumentException("neuron " + k + " is outside " + name + "'s " + w.size(1) + " columns");
                }
                keep.putScalar(0, k, 0.0);
            }
            w.muliRowVector(keep);
        }
        CheckpointWriter.write(target, tensors, source.resolve("config.json"), Map.of(), source);
    }

    /** The hub name of the down projection whose column k feeds neuron (layer, expert, k). */
    public static String downProjection(ModelConfig config, int layer, int expert) {
        String layerPrefix = "model.layers." + layer + ".";
        return switch (config.modelType()) {
            case "gpt_neox" -> "gpt_neox.layers." + layer + ".mlp.dense_4h_to_h.weight";
            case "bert" -> "bert.encoder.layer." + layer + ".output.dense.weight";
            case "mixtral" -> layerPrefix + "block_sparse_moe.experts." + expert + ".w2.weight";
            default -> expert == NeuronId.DENSE ? layerPrefix + "mlp.down_proj.weight"
                    : expert == NeuronId.sharedExpert(config) ? layerPrefix + "mlp.shared_expert.down_proj.weight"
                    : layerPrefix + "mlp.experts." + expert + ".down_proj.weight";
        };
    }

    // (layer, expert) → the neuron indices, ascending
    private static Map<List<Integer>, int[]> groups(Collection<NeuronId> neurons) {
        Map<List<Integer>, List<NeuronId>> byGroup = neurons.stream().collect(Collectors.groupingBy(
                n -> List.of(n.layer(), n.expert()), () -> new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
                        ? Integer.compare(a.get(1), b.get(1)) : Integer.compare(a.get(0), b.get(0))), Collectors.toList()));
        Map<List<Integer>, int[]> out = new LinkedHashMap<>();
        byGroup.forEach((g, ns) -> out.put(g, ns.stream().mapToInt(NeuronId::index).sorted().distinct().toArray()));
        return out;
    }
}
