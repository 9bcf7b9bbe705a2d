package org.neurosweep.methods.moe;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The components of one layer at t* for one sample (docs/methods/moe-attribution.md), fp32 vectors of size d.
 *
 * @param residPre    h_l, the residual entering the block (base of the attention-level scores)
 * @param attention   a_l, the attention sublayer output (o_proj bias included)
 * @param residMid    u_l = h_l + a_l (base of the FFN-level scores)
 * @param ffn         f_l, the FFN/MoE block output
 * @param heads       a_{l,h} per head, (heads, d), without the o_proj bias
 * @param parts       the FFN's additive parts: a dense FFN, or the selected routed experts (in routing-slot order)
 *                    and the shared expert
 * @param routerProbs the router softmax over all experts, (experts); null for a dense layer
 */
public record LayerComponents(INDArray residPre, INDArray attention, INDArray residMid, INDArray ffn, INDArray heads,
                              List<FfnPart> parts, double[] routerProbs) {

    public boolean isMoe() {
        return routerProbs != null;
    }
}
