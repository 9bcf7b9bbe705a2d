package org.neurosweep.jobs.icot;

import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TaskPools;
import org.neurosweep.methods.icl.TokenText;
import org.neurosweep.methods.masking.ContextMasking;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Runs the masking sweep over the composite prompts of every task of one unit. Stateless. */
final class ContextMaskKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new ContextMaskKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle model = in.model();
        int layers = model.config().numLayers();
        int[] layersFrom = layersFrom(p.getIntList(ContextMaskJob.LAYERS_FROM), layers);
        TokenText text = new TokenText(model.tokenizer());
        int padId = CompositeInputs.padId(model.config(), model.tokenizer());
        for (TaskPools pools : CompositeInputs.read(unit, in, out)) {
            List<EncodedPrompt> prompts = CompositeInputs.prompts(pools.pool(TaskPart.COMPOSITE), IcotParams.prompts(p), p,
                    model.tokenizer());
            NextTokenScorer scorer = new NextTokenScorer(model.model(), padId,
                    CompositeInputs.microBatch(in, model.config(), prompts));
            for (ContextMasking.LayerResult r : ContextMasking.sweep(scorer, prompts, text, layersFrom)) {
                List<Object> row = new ArrayList<>(List.of(pools.task(), IcotParams.seed(p), IcotParams.shots(p), "attn",
                        r.layerFrom(), r.layerFrom() < layers, layers));
                row.addAll(IcotColumns.values(r.tally()));
                out.table(ContextMaskJob.TABLE).add(null, row.toArray());
            }
        }
    }

    /** {@code requested}, or 0..L when empty; each must lie in 0..L. */
    static int[] layersFrom(List<Integer> requested, int layers) {
        if (requested.isEmpty()) {
            return IntStream.rangeClosed(0, layers).toArray();
        }
        for (int l : requested) {
            if (l < 0 || l > layers) {
                throw new IllegalArgumentException("layers-from holds " + l + " but the model has layers 0.." + (layers - 1)
                        + " (" + layers + " = unmasked)");
            }
        }
        return requested.stream().mapToInt(Integer::intValue).toArray();
    }
}
