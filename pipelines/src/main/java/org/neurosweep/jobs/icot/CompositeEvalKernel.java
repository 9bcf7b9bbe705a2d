package org.neurosweep.jobs.icot;

import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.IclExample;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TaskPools;
import org.neurosweep.methods.icl.TokenText;

import java.util.ArrayList;
import java.util.List;

/** Scores the few-shot and zero-shot prompts of every task and part of one unit. Stateless. */
final class CompositeEvalKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new CompositeEvalKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle model = in.model();
        TokenText text = new TokenText(model.tokenizer());
        int padId = CompositeInputs.padId(model.config(), model.tokenizer());
        for (TaskPools pools : CompositeInputs.read(unit, in, out)) {
            for (TaskPart part : TaskPart.values()) {
                List<EncodedPrompt> prompts = CompositeInputs.prompts(pools.pool(part), IcotParams.prompts(p), p,
                        model.tokenizer());
                NextTokenScorer scorer = new NextTokenScorer(model.model(), padId,
                        CompositeInputs.microBatch(in, model.config(), prompts));
                List<int[]> targets = prompts.stream().map(EncodedPrompt::targetIds).toList();
                for (String kind : List.of("icl", "zero")) {
                    boolean icl = kind.equals("icl");
                    List<int[]> ids = prompts.stream().map(e -> icl ? e.icl() : e.zeroShot()).toList();
                    List<NextToken> predictions = scorer.score(ids, targets);
                    TargetTally tally = new TargetTally(text);
                    for (int i = 0; i < prompts.size(); i++) {
                        tally.add(targets.get(i), predictions.get(i));
                        promptRow(out.table(CompositeEvalJob.PROMPTS_TABLE), pools, part, p, kind, prompts.get(i),
                                ids.get(i), predictions.get(i), text);
                    }
                    List<Object> row = new ArrayList<>(List.of(pools.task(), part.label(), pools.name(part),
                            IcotParams.seed(p), IcotParams.shots(p), kind));
                    row.addAll(IcotColumns.values(tally));
                    out.table(CompositeEvalJob.ACCURACY_TABLE).add(null, row.toArray());
                }
            }
        }
    }

    private static void promptRow(TableRows rows, TaskPools pools, TaskPart part, Params p, String kind,
                                  EncodedPrompt e, int[] ids, NextToken prediction, TokenText text) {
        boolean icl = kind.equals("icl");
        IclExample query = e.prompt().query();
        List<Object> row = new ArrayList<>(List.of(pools.task(), part.label(), pools.name(part), IcotParams.seed(p),
                IcotParams.shots(p), e.prompt().promptId(), kind, icl ? e.prompt().icl() : e.prompt().zeroShot(), ids));
        row.add(icl ? e.demoStart() : null);
        row.add(icl ? e.demoEnd() : null);
        for (Target t : Target.values()) {
            row.add(query.target(t));
        }
        for (Target t : Target.values()) {
            row.add(e.target(t) == EncodedPrompt.NO_TOKEN ? null : e.target(t));
        }
        row.add(prediction.predicted());
        row.add(text.of(prediction.predicted()));
        for (Target t : Target.values()) {
            row.add(e.target(t) < 0 ? null : text.matches(prediction.predicted(), e.target(t)));
        }
        for (Target t : Target.values()) {
            int rank = prediction.ranks()[t.ordinal()];
            row.add(rank == 0 ? null : rank);
        }
        rows.add(CompositeInputs.exampleId(pools.task(), part.label(), IcotParams.seed(p), e.prompt().promptId()),
                row.toArray());
    }
}
