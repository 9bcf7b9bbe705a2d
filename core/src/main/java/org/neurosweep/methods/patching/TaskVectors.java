package org.neurosweep.methods.patching;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.PromptBatch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

import java.util.List;

/**
 * Task vectors of cross-task patching (docs/methods/internal-cot.md §6 step 1): the block outputs {@code h_{l+1}[t*]}
 * ({@code blocks.l.resid_post}) at each prompt's last position, and their mean over prompts, θ_l.
 */
public final class TaskVectors {

    private TaskVectors() {
    }

    /** {@code resid_post} of every layer at the last position of each prompt: (n, L, d), fp32. */
    public static INDArray lastResiduals(CausalLM model, List<int[]> prompts, int padId, int microBatch) {
        int layers = model.config().numLayers();
        int d = model.config().hiddenSize();
        INDArray out = Nd4j.create(DataType.FLOAT, prompts.size(), layers, d);
        for (int from = 0; from < prompts.size(); from += microBatch) {
            int to = Math.min(prompts.size(), from + microBatch);
            PromptBatch batch = PromptBatch.leftPadded(prompts.subList(from, to), padId);
            Hooks hooks = Hooks.none();
            for (int l = 0; l < layers; l++) {
                hooks.captureAt(new int[] {batch.last()}, HookNames.residPost(l));
            }
            Captures captures;
            try (Forward f = model.forward(batch.batch().logitsAt(LogitsAt.last()), hooks, null)) {
                captures = f.captures();
            }
            for (int l = 0; l < layers; l++) {
                INDArray h = captures.get(HookNames.residPost(l)).castTo(DataType.FLOAT).reshape(to - from, d); // (b, d)
                out.get(NDArrayIndex.interval(from, to), NDArrayIndex.point(l), NDArrayIndex.all()).assign(h);
            }
        }
        return out;
    }

    /** θ (L, d): the mean over prompts of {@code lastResiduals} (n, L, d). */
    public static INDArray mean(INDArray lastResiduals) {
        if (lastResiduals.size(0) == 0) {
            throw new IllegalArgumentException("a task vector needs at least one prompt");
        }
        return lastResiduals.mean(0);
    }
}
