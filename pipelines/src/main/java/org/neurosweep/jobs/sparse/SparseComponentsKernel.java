package org.neurosweep.jobs.sparse;

import java.util.Map;
import java.util.TreeMap;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.sparse.ComponentCounts;
import org.neurosweep.methods.sparse.ComponentLayout;
import org.neurosweep.methods.sparse.FrequencyCounter;

/**
 * One model on one slice of instructions: prefill counts per instruction, pooled per (category, source); writes
 * {@code p2_instructions}, {@code p2_neuron_freq}, {@code p2_expert_freq} and the instruction-level
 * {@code p2_components}. Stateless: one instance serves every task thread.
 */
final class SparseComponentsKernel implements Kernel {

    /** Value equality lets every task of an executor reuse one kernel. */
    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new SparseComponentsKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        SparseParams params = SparseParams.of(unit.params());
        ModelHandle model = in.model();
        InstructionSet set = InstructionSet.read(unit, in, out, params, model.tokenizer(), model.config().maxPositions());
        CountRows rows = new CountRows(out, unit, params, ComponentLayout.of(model.config()));
        for (int i = 0; i < set.examples().size(); i++) {
            InstructionExample e = set.examples().get(i);
            out.table(SparseComponentsJob.INSTRUCTIONS).add(e.id(), e.category(), e.source(), e.originDataset(),
                    set.texts().get(i), set.tokens().get(i).length, params.formatting().key());
        }
        Map<CountRows.Pool, ComponentCounts> pools = new TreeMap<>();
        count(model, set, params, in, (i, c) -> {
            InstructionExample e = set.examples().get(i);
            rows.instruction(e, c);
            pools.computeIfAbsent(new CountRows.Pool(e.category(), e.source()), k -> rows.emptyCounts()).add(c);
        });
        pools.forEach(rows::category);
        if (unit.params().getBoolean(CausalCheck.ABLATION)) {
            Map<String, ComponentCounts> categories = new TreeMap<>();
            pools.forEach((pool, c) -> categories.computeIfAbsent(pool.category(), k -> rows.emptyCounts()).add(c));
            CausalCheck.run(model, set, params, in, ComponentLayout.of(model.config()), categories,
                    out.table(SparseComponentsJob.ABLATION_TABLE_NAME));
        }
    }

    /** Counts every instruction of {@code set} in micro-batches sized by the memory budget, handing each to {@code sink}. */
    static void count(ModelHandle model, InstructionSet set, SparseParams params, UnitInputs in, FrequencyCounter.Sink sink) {
        int microBatch = in.microBatch(ForwardFootprint.bytes(model.config(), set.longest(), 1));
        int pad = model.tokenizer().padId().orElse(0);
        new FrequencyCounter(model.model(), params.criterion(), pad).count(set.tokens(), microBatch, sink);
    }
}
