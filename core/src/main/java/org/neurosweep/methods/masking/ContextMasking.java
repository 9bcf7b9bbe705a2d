package org.neurosweep.methods.masking;

import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.TokenText;

import java.util.ArrayList;
import java.util.List;

/**
 * The masking sweep of docs/methods/internal-cot.md §4 over few-shot prompts: for each masking layer ℓ the
 * demonstrations {@code [demoStart, demoEnd)} are masked at every layer ≥ ℓ, and the next token at the last position is
 * scored against y_t, t1 and t2. ℓ = L masks nothing and reproduces the few-shot run; ℓ = 0 removes the demonstrations
 * from the query's view entirely.
 */
public final class ContextMasking {

    /** The accuracy of the prompts with the demonstrations masked from {@code layerFrom} on. */
    public record LayerResult(int layerFrom, TargetTally tally) {
    }

    private ContextMasking() {
    }

    public static List<LayerResult> sweep(NextTokenScorer scorer, List<EncodedPrompt> prompts, TokenText text,
                                          int[] layersFrom) {
        int layers = scorer.model().config().numLayers();
        List<int[]> ids = prompts.stream().map(EncodedPrompt::icl).toList();
        List<int[]> targets = prompts.stream().map(EncodedPrompt::targetIds).toList();
        List<LayerResult> results = new ArrayList<>();
        for (int layerFrom : layersFrom) {
            List<NextToken> predictions = scorer.score(ids, targets, (batch, first) -> {
                int[] starts = new int[batch.size()];
                int[] ends = new int[batch.size()];
                for (int r = 0; r < batch.size(); r++) {
                    EncodedPrompt p = prompts.get(first + r);
                    starts[r] = batch.padding(r) + p.demoStart();
                    ends[r] = batch.padding(r) + p.demoEnd();
                }
                return ContextMask.fromLayer(ContextMask.spans(starts, ends, batch.length()), layerFrom, layers);
            });
            TargetTally tally = new TargetTally(text);
            for (int i = 0; i < prompts.size(); i++) {
                tally.add(targets.get(i), predictions.get(i));
            }
            results.add(new LayerResult(layerFrom, tally));
        }
        return results;
    }
}
