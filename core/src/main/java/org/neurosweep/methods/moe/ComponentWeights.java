package org.neurosweep.methods.moe;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;

/**
 * The output matrices that turn a component's coefficients into residual-stream vectors, read from the model's
 * parameters by their hub names: {@code o_proj} (per-head outputs), and the down projections of dense FFNs, routed
 * experts (Qwen2-MoE/OLMoE {@code mlp.experts.E.down_proj}, Mixtral {@code block_sparse_moe.experts.E.w2}) and the
 * shared expert. Each is held as the runtime holds projections: (in, out), i.e. row k of a down projection is
 * neuron k's value vector D[:, k] (d).
 */
public final class ComponentWeights {
    private final Map<String, Var> parameters;
    private final String modelType;

    public ComponentWeights(CausalLM model) {
        this.parameters = model.parameters();
        this.modelType = model.config().modelType();
    }

    /** o_proj of {@code layer}, (heads · head_dim, d). */
    public INDArray outputProjection(int layer) {
        return find(List.of("model.layers." + layer + ".self_attn.o_proj.weight"));
    }

    /** The dense FFN's down projection of {@code layer}, (ffn, d). */
    public INDArray denseDown(int layer) {
        return find(List.of("model.layers." + layer + ".mlp.down_proj.weight"));
    }

    /** Routed expert {@code expert}'s down projection in {@code layer}, (expert_ffn, d). */
    public INDArray expertDown(int layer, int expert) {
        return find(List.of("model.layers." + layer + ".mlp.experts." + expert + ".down_proj.weight",
                "model.layers." + layer + ".block_sparse_moe.experts." + expert + ".w2.weight"));
    }

    /** The shared expert's down projection in {@code layer}, (shared_ffn, d). */
    public INDArray sharedDown(int layer) {
        return find(List.of("model.layers." + layer + ".mlp.shared_expert.down_proj.weight"));
    }

    private INDArray find(List<String> names) {
        for (String n : names) {
            Var v = parameters.get(n);
            if (v != null) {
                return v.value();
            }
        }
        throw new IllegalArgumentException("model type " + modelType + " has no parameter " + String.join(" or ", names)
                + ": neuron- and head-level attribution needs the hub tensor names of Llama/Qwen2/Mixtral/Qwen2-MoE/OLMoE");
    }
}
