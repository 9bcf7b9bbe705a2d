package org.neurosweep.methods.patching;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;

import java.util.List;

/**
 * The patched run of cross-task patching (docs/methods/internal-cot.md §6 step 2): the block output {@code h_{l+1}[t*]}
 * of each prompt is <em>replaced</em> by a vector and the forward pass continues; the next token is read at t*.
 */
public final class ResidualPatching {

    private ResidualPatching() {
    }

    /**
     * Predictions of {@code prompts} with layer {@code layer}'s output at the last position replaced by
     * {@code vectors}: (d) for one vector patched into every prompt (a task vector θ_l), or (n, d) for one per prompt.
     */
    public static List<NextToken> patched(NextTokenScorer scorer, List<int[]> prompts, List<int[]> targets, int layer,
                                          INDArray vectors) {
        boolean perPrompt = vectors.rank() == 2;
        if (perPrompt && vectors.size(0) != prompts.size()) {
            throw new IllegalArgumentException(vectors.size(0) + " patch vectors for " + prompts.size() + " prompts");
        }
        INDArray contiguous = vectors.dup('c');
        return scorer.score(prompts, targets, (batch, first) -> {
            INDArray v = perPrompt
                    ? contiguous.get(NDArrayIndex.interval(first, first + batch.size()), NDArrayIndex.all()).dup('c')
                    : contiguous;
            return Hooks.none().patchResidual(layer, batch.last(), v);
        });
    }

    /**
     * The normalised strength S = (acc_patch − acc_0) / (acc_ICL − acc_0): 1 when patching recovers the few-shot
     * accuracy, 0 when it adds nothing to zero-shot; NaN when few-shot and zero-shot accuracy are equal.
     */
    public static double strength(double accPatched, double accZero, double accIcl) {
        double gap = accIcl - accZero;
        return gap == 0 ? Double.NaN : (accPatched - accZero) / gap;
    }
}
