package org.neurosweep.methods.masking;

import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.lens.LayerwiseLens;
import org.neurosweep.methods.lens.LensComponent;
import org.neurosweep.methods.lens.LensNorm;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Generation;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;

import java.util.List;
import java.util.function.Consumer;

/**
 * The TRACE replication of docs/methods/internal-cot.md §7 for one masking layer ℓ: generation with each prompt's span
 * masked at every layer ≥ ℓ, in the prefill and at every decoding step (the mask is indexed by key position, so
 * generated tokens never see the span either), and the logit lens at the last prompt position under the same mask, from
 * which the decodability of constraint keywords per layer is read.
 */
public final class TraceDecoding {
    private final CausalLM model;
    private final int layers;

    public TraceDecoding(CausalLM model) {
        this.model = model;
        this.layers = model.config().numLayers();
    }

    /** Decodes {@code prompts} with span {@code [starts[i], ends[i])} of prompt i masked from {@code layerFrom} on. */
    public Generation generate(List<TracePrompt> prompts, int layerFrom, GenerationSettings settings) {
        List<int[]> ids = prompts.stream().map(TracePrompt::ids).toList();
        int length = ids.stream().mapToInt(p -> p.length).max().orElse(0);
        int[] padding = ids.stream().mapToInt(p -> length - p.length).toArray();
        return new Generator(model).generate(ids, settings, masked(prompts, padding, 0, length, layerFrom));
    }

    /** Lens readings of {@code resid_post} at each prompt's last token, spans masked from {@code layerFrom} on. */
    public void lens(LayerwiseLens lens, List<TracePrompt> prompts, int layerFrom, int microBatch,
                     Consumer<LayerwiseLens.Reading> out) {
        List<int[]> ids = prompts.stream().map(TracePrompt::ids).toList();
        NextTokenScorer.BatchHooks mask = (batch, first) -> {
            int[] padding = new int[batch.size()];
            for (int r = 0; r < padding.length; r++) {
                padding[r] = batch.padding(r);
            }
            return masked(prompts, padding, first, batch.length(), layerFrom);
        };
        lens.read(ids, new int[] {-1}, List.of(LensComponent.RESID_POST), LensNorm.FINAL_SCALE, microBatch, mask, out);
    }

    // prompts first .. first + padding.length − 1, left-padded to `length` keys
    private Hooks masked(List<TracePrompt> prompts, int[] padding, int first, int length, int layerFrom) {
        int[] starts = new int[padding.length];
        int[] ends = new int[padding.length];
        for (int r = 0; r < padding.length; r++) {
            TracePrompt p = prompts.get(first + r);
            starts[r] = padding[r] + p.spanStart();
            ends[r] = padding[r] + p.spanEnd();
        }
        return ContextMask.fromLayer(ContextMask.spans(starts, ends, length), layerFrom, layers);
    }
}
