package org.neurosweep.jobs.distill;

import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.text.Tokenizer;

/** One pad-sample unit: the slice's training prompts sampled by the unit's student, with their selection. Stateless. */
final class PadSampleKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new PadSampleKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        ModelHandle student = in.model();
        DistillCorpus corpus = DistillCorpus.read(in.dataset(), unit.dataset(), 0, out);
        Tokenizer tokenizer = student.tokenizer();
        int longest = corpus.train().stream().mapToInt(e -> tokenizer.encode(corpus.prompt(e)).length).max().orElse(1)
                + unit.params().getInt(PadParams.SAMPLE_TOKENS);
        int microBatch = in.microBatch(ForwardFootprint.bytes(student.config(), longest, longest));
        for (PadSampling.Prompt prompt : PadSampling.sample(corpus, student.model(), tokenizer, Students.endOfText(student),
                microBatch, unit.params())) {
            PadSampling.write(prompt, unit.params(), out.table(PadSampleJob.SAMPLES));
        }
    }
}
