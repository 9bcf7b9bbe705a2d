package org.neurosweep.jobs.probe;

import java.nio.file.Path;
import java.util.List;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.hook.Hooks;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.MlamaProbe;
import org.neurosweep.methods.probe.ProbeMode;
import org.neurosweep.methods.probe.ProbeSettings;
import org.neurosweep.methods.probe.ProbeTally;
import org.neurosweep.methods.probe.RelationProbe;

/** Probes the facts of one dataset shard with one model; stateless. */
final class MlamaProbeKernel implements Kernel {

    /** Tokens of one probe sequence (one filled template), generously: prompt and completion of a sentence. */
    static final int SEQUENCE_TOKENS = 48;

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new MlamaProbeKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Path local = in.dataset();
        MlamaDataset dataset = MlamaInputs.mlama(unit.dataset(), local);
        RelationProbe.Loaded loaded = RelationProbe.load(dataset, ProbeParams.languages(unit.params()),
                unit.dataset().shard(), ProbeParams.candidates(unit.params(), local));
        out.badRecords(loaded.badRecords());
        List<RelationProbe> tasks = limited(loaded.probes(), unit.dataset().maxRecords());
        ModelHandle model = in.model();
        int microBatch = in.microBatch(ForwardFootprint.bytes(model.config(), SEQUENCE_TOKENS, SEQUENCE_TOKENS));
        ProbeSettings settings = ProbeParams.settings(unit.params(), microBatch);
        List<FactResult> results = new MlamaProbe(model.model(), model.tokenizer(), settings).run(tasks, Hooks.none());

        TableRows items = out.table(MlamaProbeJob.ITEMS);
        for (FactResult r : results) {
            items.add(r.fact().uuid(), ProbeColumns.item(r));
        }
        TableRows cells = out.table(MlamaProbeJob.ACCURACY);
        String mode = ProbeParams.modeName(settings.mode());
        for (ProbeTally.Cell c : new ProbeTally().addAll(results).cells()) {
            cells.add(null, ProbeColumns.cell(c, mode, settings.mode() == ProbeMode.RANK));
        }
    }

    /** At most {@code max} facts per task (0 = all): the dataset's max-records applies per relation file. */
    static List<RelationProbe> limited(List<RelationProbe> tasks, int max) {
        if (max == 0) {
            return tasks;
        }
        return tasks.stream().map(t -> new RelationProbe(t.template(), t.facts().subList(0, Math.min(max, t.facts().size())),
                t.pool())).toList();
    }
}
