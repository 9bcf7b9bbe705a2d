package org.neurosweep.jobs.distill;

import java.nio.file.Path;
import java.util.Map;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.text.Tokenizer;

/**
 * One pad-score unit: the slice's training prompts that have selected responses in the committed pad_samples, scored
 * by the unit's teacher (prompts tokenized by the teacher's tokenizer: teacher and student share the vocabulary).
 * Stateless.
 */
final class PadScoreKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new PadScoreKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle teacher = in.model();
        DistillCorpus corpus = DistillCorpus.read(in.dataset(), unit.dataset(), 0, out);
        Map<String, CommittedPadTables.Responses> sampled = CommittedPadTables.samples(
                Path.of(p.getString(PadParams.SAMPLES_FROM)), p.getString(PadParams.SAMPLED_BY));
        Tokenizer tokenizer = teacher.tokenizer();
        int longest = 1;
        for (InstructionExample e : corpus.train()) {
            CommittedPadTables.Responses r = sampled.get(e.id());
            if (r != null) {
                int prompt = tokenizer.encode(corpus.prompt(e)).length;
                longest = Math.max(longest, prompt + r.tokens().stream().mapToInt(t -> t.length).max().orElse(0));
            }
        }
        int microBatch = in.microBatch(ForwardFootprint.bytes(teacher.config(), longest, longest));
        PadScoring scoring = new PadScoring(teacher, microBatch, p);
        for (InstructionExample e : corpus.train()) {
            CommittedPadTables.Responses r = sampled.get(e.id());
            if (r != null) {
                PadScoring.write(scoring.score(e, tokenizer.encode(corpus.prompt(e)), r.tokens(), r.texts()),
                        teacher.ref().id(), out);
            }
        }
    }
}
