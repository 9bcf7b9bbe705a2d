package org.neurosweep.jobs.icot;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.IclExample;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.PromptSampler;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TaskPools;
import org.neurosweep.methods.icl.TokenText;
import org.neurosweep.methods.patching.ResidualPatching;
import org.neurosweep.methods.patching.TaskVectors;

import java.util.List;

/**
 * One unit of cross-task patching. Splits are drawn per file with the unit's seed ({@link PromptSampler#split}): the
 * task vector comes from composite prompts of the composite file's train part, the patched prompts from each step
 * file's validation part. (The paper splits the file that defines the composite input; here every file is split on
 * its own, so a composite train record may share its input with a step's validation record.)
 */
final class CrossTaskPatchKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new CrossTaskPatchKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle model = in.model();
        int layers = model.config().numLayers();
        double trainFraction = p.getDouble(CrossTaskPatchJob.TRAIN_FRACTION);
        int seed = IcotParams.seed(p);
        TokenText text = new TokenText(model.tokenizer());
        int padId = CompositeInputs.padId(model.config(), model.tokenizer());
        for (TaskPools pools : CompositeInputs.read(unit, in, out)) {
            List<IclExample> train = PromptSampler.split(pools.composite(), trainFraction, seed).train();
            List<EncodedPrompt> vectorPrompts = CompositeInputs.prompts(train, p.getInt(CrossTaskPatchJob.VECTOR_PROMPTS), p,
                    model.tokenizer());
            INDArray residuals = TaskVectors.lastResiduals(model.model(), vectorPrompts.stream().map(EncodedPrompt::icl).toList(),
                    padId, CompositeInputs.microBatch(in, model.config(), vectorPrompts));
            INDArray theta = TaskVectors.mean(residuals); // (L, d)
            if (p.getBoolean(CrossTaskPatchJob.STORE_VECTORS)) {
                for (int l = 0; l < layers; l++) {
                    out.table(CrossTaskPatchJob.VECTORS_TABLE).add(null, pools.task(), seed, IcotParams.shots(p), l,
                            theta.get(NDArrayIndex.point(l), NDArrayIndex.all()).toFloatVector(), vectorPrompts.size());
                }
            }
            for (TaskPart step : List.of(TaskPart.S1, TaskPart.S2)) {
                List<IclExample> validation = PromptSampler.split(pools.pool(step), trainFraction, seed).validation();
                List<EncodedPrompt> prompts = CompositeInputs.prompts(validation, IcotParams.prompts(p), p, model.tokenizer());
                NextTokenScorer scorer = new NextTokenScorer(model.model(), padId,
                        CompositeInputs.microBatch(in, model.config(), prompts));
                List<int[]> targets = prompts.stream().map(EncodedPrompt::targetIds).toList();
                List<int[]> zero = prompts.stream().map(EncodedPrompt::zeroShot).toList();
                double accIcl = accuracy(text, targets, scorer.score(prompts.stream().map(EncodedPrompt::icl).toList(), targets));
                double accZero = accuracy(text, targets, scorer.score(zero, targets));
                for (int l = 0; l < layers; l++) {
                    double accPatched = accuracy(text, targets,
                            ResidualPatching.patched(scorer, zero, targets, l,
                                    theta.get(NDArrayIndex.point(l), NDArrayIndex.all())));
                    out.table(CrossTaskPatchJob.TABLE).add(null, pools.task(), seed, IcotParams.shots(p), step.label(),
                            pools.name(step), l, prompts.size(), accIcl, accZero, accPatched,
                            JobTables.orNull(ResidualPatching.strength(accPatched, accZero, accIcl)), vectorPrompts.size());
                }
            }
        }
    }

    private static double accuracy(TokenText text, List<int[]> targets, List<NextToken> predictions) {
        TargetTally tally = new TargetTally(text);
        for (int i = 0; i < targets.size(); i++) {
            tally.add(targets.get(i), predictions.get(i));
        }
        return tally.accuracy(Target.YT);
    }
}
