package org.neurosweep.jobs.icot;

import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.TokenText;
import org.neurosweep.methods.lens.LayerwiseLens;
import org.neurosweep.methods.lens.LensComponent;
import org.neurosweep.methods.lens.LensNorm;
import org.neurosweep.methods.lens.LensReadout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Projects the prompts of every task of one unit ({@link LensPrompts}: composite or factual) through the lens. Stateless. */
final class LogitLensKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new LogitLensKernel();
        }
    }

    /** The aggregation key of p3_decoding. */
    private record Cell(LensComponent component, int position, int layer) {
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle model = in.model();
        List<LensNorm> norms = p.getStringList(LogitLensJob.NORMS).stream().map(LensNorm::parse).toList();
        List<LensComponent> components = p.getStringList(LogitLensJob.COMPONENTS).stream().map(LensComponent::parse).toList();
        int[] positions = p.getIntList(LogitLensJob.POSITIONS).stream().mapToInt(Integer::intValue).toArray();
        int topK = p.getInt(LogitLensJob.TOP_K);
        boolean perExample = p.getBoolean(LogitLensJob.PER_EXAMPLE);
        TokenText text = new TokenText(model.tokenizer());
        OptionalInt mask = model.tokenizer().answerMask(model.config().causal(), model.config().modelType());
        LayerwiseLens lens = new LayerwiseLens(model.model(), CompositeInputs.padId(model.config(), model.tokenizer()));
        for (LensPrompts.LensTask task : LensPrompts.read(unit, in, out, model.tokenizer(), mask)) {
            List<LensPrompts.LensPrompt> prompts = task.prompts();
            List<int[]> ids = prompts.stream().map(LensPrompts.LensPrompt::ids).toList();
            int longest = ids.stream().mapToInt(a -> a.length).max().orElse(1);
            // a reading holds one vocabulary row per component, layer and position: budget the batch for those too
            int microBatch = Math.max(1, in.microBatch(ForwardFootprint.bytes(model.config(), longest, 1))
                    / Math.max(1, components.size() * positions.length));
            for (LensNorm norm : norms) {
                Map<Cell, TargetTally> cells = new LinkedHashMap<>();
                lens.read(ids, positions, components, norm, microBatch, reading -> {
                    LensPrompts.LensPrompt prompt = prompts.get(reading.prompt());
                    LensReadout r = reading.readout();
                    int[] targets = prompt.targets();
                    int[] ranks = new int[targets.length];
                    for (int k = 0; k < targets.length; k++) {
                        ranks[k] = targets[k] < 0 ? 0 : r.rank(targets[k]);
                    }
                    int[] top = r.topK(Math.max(1, topK));
                    cells.computeIfAbsent(new Cell(reading.component(), reading.position(), reading.layer()),
                            c -> new TargetTally(text)).add(targets, new NextToken(top[0], ranks));
                    if (perExample) {
                        exampleRows(out, task, norm, prompt, reading, ranks, top, text);
                    }
                });
                cells.forEach((cell, tally) -> {
                    List<Object> row = new ArrayList<>(List.of(task.task(), task.seed(), task.shots(),
                            norm.label(), cell.component().label(), cell.position(), cell.layer()));
                    row.addAll(IcotColumns.values(tally));
                    out.table(LogitLensJob.DECODING_TABLE).add(null, row.toArray());
                });
            }
        }
    }

    private static void exampleRows(RowSink out, LensPrompts.LensTask task, LensNorm norm, LensPrompts.LensPrompt prompt,
                                    LayerwiseLens.Reading reading, int[] ranks, int[] top, TokenText text) {
        LensReadout r = reading.readout();
        for (Target t : Target.values()) {
            int token = prompt.targets()[t.ordinal()];
            if (token < 0) {
                continue;
            }
            out.table(LogitLensJob.TARGETS_TABLE).add(prompt.exampleId(), task.task(), task.seed(), task.shots(),
                    prompt.promptId(), norm.label(), reading.component().label(), reading.position(),
                    reading.layer(), t.label(), token, text.of(token), ranks[t.ordinal()], r.prob(token), r.logProb(token));
        }
        String[] texts = new String[top.length];
        float[] probs = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            texts[i] = text.of(top[i]);
            probs[i] = (float) r.prob(top[i]);
        }
        out.table(LogitLensJob.TOPK_TABLE).add(prompt.exampleId(), task.task(), task.seed(), task.shots(),
                prompt.promptId(), norm.label(), reading.component().label(), reading.position(), reading.layer(),
                top, texts, probs);
    }
}
