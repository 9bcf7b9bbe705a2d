package org.neurosweep.methods.icl;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs prompts through a model in left-padded micro-batches and reads the next-token distribution at each prompt's
 * last position. The hooks of a micro-batch are built from its {@link PromptBatch} (masks and patches depend on the
 * padding of each row).
 */
public final class NextTokenScorer {

    /** The hooks of one micro-batch: {@code batch} holds prompts {@code first .. first + batch.size() − 1}. */
    @FunctionalInterface
    public interface BatchHooks {
        Hooks of(PromptBatch batch, int first);
    }

    private final CausalLM model;
    private final int padId;
    private final int microBatch;

    /**
     * @param padId      the id written into padding positions (masked out; any valid id works)
     * @param microBatch prompts per forward pass
     */
    /** @throws IllegalArgumentException for a masked LM (BERT), whose last position does not predict the next token */
    public NextTokenScorer(CausalLM model, int padId, int microBatch) {
        if (!model.config().causal()) {
            throw new IllegalArgumentException(model.config().modelType() + " is a bidirectional masked LM: "
                    + "next-token scoring needs a causal model");
        }
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
        this.model = model;
        this.padId = padId;
        this.microBatch = microBatch;
    }

    public CausalLM model() {
        return model;
    }

    /** Prompts per forward pass. */
    public int microBatch() {
        return microBatch;
    }

    /**
     * The prediction for each of {@code prompts}, with the ranks of {@code targets[i]} (one id per target kind,
     * below 0 when absent) for prompt {@code i}.
     */
    public List<NextToken> score(List<int[]> prompts, List<int[]> targets, BatchHooks hooks) {
        if (prompts.size() != targets.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + targets.size() + " target rows");
        }
        List<NextToken> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += microBatch) {
            int to = Math.min(prompts.size(), from + microBatch);
            PromptBatch batch = PromptBatch.leftPadded(prompts.subList(from, to), padId);
            try (Forward f = model.forward(batch.batch(), hooks.of(batch, from), null)) {
                INDArray logits = f.logits().value(); // (b, 1, vocab)
                for (int r = 0; r < batch.size(); r++) {
                    float[] row = logits.get(NDArrayIndex.point(r), NDArrayIndex.point(0), NDArrayIndex.all()).toFloatVector();
                    out.add(NextToken.of(row, targets.get(from + r)));
                }
            }
        }
        return out;
    }

    /** {@link #score} with no hooks. */
    public List<NextToken> score(List<int[]> prompts, List<int[]> targets) {
        return score(prompts, targets, (batch, first) -> Hooks.none());
    }
}
