package org.neurosweep.jobs.sparse;

import java.util.Comparator;
import java.util.Objects;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.sparse.ComponentCounts;
import org.neurosweep.methods.sparse.ComponentLayout;
import org.neurosweep.methods.sparse.TopEpsilon;

/** Writes a unit's counts and instruction-level component sets as rows of the {@code p2_*} tables. */
final class CountRows {

    /** A category-level pool: the category and the source (null when the data has none). */
    record Pool(String category, String source) implements Comparable<Pool> {
        private static final Comparator<Pool> ORDER = Comparator.comparing(Pool::category)
                .thenComparing(Pool::source, Comparator.nullsFirst(Comparator.naturalOrder()));

        @Override
        public int compareTo(Pool o) {
            return ORDER.compare(this, o);
        }
    }

    private final TableRows neurons;
    private final TableRows experts;
    private final TableRows components;
    private final WorkUnit unit;
    private final SparseParams params;
    private final ComponentLayout layout;

    CountRows(RowSink out, WorkUnit unit, SparseParams params, ComponentLayout layout) {
        this.neurons = out.table(SparseComponentsJob.NEURON_FREQ);
        this.experts = out.table(SparseComponentsJob.EXPERT_FREQ);
        this.components = out.table(SparseComponentsJob.COMPONENTS);
        this.unit = unit;
        this.params = params;
        this.layout = layout;
    }

    ComponentCounts emptyCounts() {
        return new ComponentCounts(layout);
    }

    /** One instruction: its top-ε sets for every ε, its top-ε neurons (largest ε) and all its expert counts. */
    void instruction(InstructionExample e, ComponentCounts c) {
        if (c.tokens() == 0) {
            return;
        }
        for (double eps : params.eps()) {
            writeSet(e, c, TopEpsilon.select(c.active(), eps), SparseColumns.ISN);
            if (!layout.experts().isEmpty()) {
                writeSet(e, c, TopEpsilon.select(c.routed(), eps), SparseColumns.ISE);
            }
        }
        for (int index : TopEpsilon.select(c.active(), params.largestEps()).members()) {
            neuron(e.id(), SparseColumns.INSTRUCTION, e.category(), e.source(), c, index, layout.blockOf(index));
        }
        experts(e.id(), SparseColumns.INSTRUCTION, e.category(), e.source(), c);
    }

    /** A category pool: every neuron and every expert. */
    void category(Pool pool, ComponentCounts c) {
        if (c.tokens() == 0) {
            return;
        }
        for (ComponentLayout.Block b : layout.blocks()) {
            for (int k = 0; k < b.width(); k++) {
                neuron(null, SparseColumns.CATEGORY_LEVEL, pool.category(), pool.source(), c, b.offset() + k, b);
            }
        }
        experts(null, SparseColumns.CATEGORY_LEVEL, pool.category(), pool.source(), c);
    }

    private void neuron(String exampleId, String level, String category, String source, ComponentCounts c, int index,
                        ComponentLayout.Block b) {
        long active = c.active()[index];
        Long routed = switch (b.expert()) {
            case ComponentLayout.DENSE -> null;
            case ComponentLayout.SHARED -> c.tokens();
            default -> (long) c.routed()[layout.expertIndex(b.layer(), b.expert())];
        };
        Double conditional = routed == null || routed == 0 ? null : (double) active / routed;
        neurons.add(exampleId, level, category, source, b.layer(), b.expert(), index - b.offset(), active, c.tokens(),
                (double) active / c.tokens(), routed, conditional, params.formatting().key(), params.criterion().key());
    }

    private void experts(String exampleId, String level, String category, String source, ComponentCounts c) {
        for (ComponentLayout.Expert x : layout.experts()) {
            int routed = c.routed()[x.index()];
            experts.add(exampleId, level, category, source, x.layer(), x.expert(), (long) routed, c.tokens(),
                    (double) routed / c.tokens(), routed == 0 ? null : c.weightSum(x.index()) / routed,
                    params.formatting().key());
        }
        for (ComponentLayout.Block b : layout.blocks()) {
            if (b.expert() == ComponentLayout.SHARED) {
                experts.add(exampleId, level, category, source, b.layer(), b.expert(), c.tokens(), c.tokens(), 1.0,
                        JobTables.orNull(c.sharedGateSum(b.layer()) / c.tokens()), params.formatting().key());
            }
        }
    }

    private void writeSet(InstructionExample e, ComponentCounts c, TopEpsilon.Selection s, String kind) {
        double threshold = (double) s.thresholdCount() / c.tokens();
        boolean neuronSet = kind.equals(SparseColumns.ISN);
        for (int index : s.members()) {
            int layer;
            int expert;
            Integer neuron;
            long count;
            if (neuronSet) {
                ComponentLayout.Block b = layout.blockOf(index);
                layer = b.layer();
                expert = b.expert();
                neuron = index - b.offset();
                count = c.active()[index];
            } else {
                ComponentLayout.Expert x = layout.experts().get(index);
                layer = x.layer();
                expert = x.expert();
                neuron = null;
                count = c.routed()[index];
            }
            components.add(e.id(), Objects.requireNonNull(unit.primaryModel()).id(), unit.dataset().name(),
                    SparseColumns.INSTRUCTION, e.category(), e.source(), s.eps(), kind, layer, expert, neuron, count,
                    c.tokens(), (double) count / c.tokens(), threshold, s.size(), params.formatting().key(),
                    params.criterion().key());
        }
    }
}
