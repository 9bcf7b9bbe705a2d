package org.neurosweep.jobs.neurons;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;

/** The columns that name a neuron and an attribution setting, shared by the neuron tables. */
final class NeuronColumns {

    static final Column LAYER = Column.required("layer", ColumnType.INT,
            "decoder block l, 0-based (hook blocks.l.*, checkpoint model.layers.l.*)");
    static final Column EXPERT = Column.required("expert_id", ColumnType.INT,
            "-1 for a dense FFN; the routed expert's id; the number of routed experts for the shared expert");
    static final Column NEURON = Column.required("neuron_idx", ColumnType.INT,
            "k: coordinate of the FFN intermediate activation (column k of down_proj)");
    static final Column STEPS = Column.required("m_steps", ColumnType.INT, "Riemann steps m of the path integral");
    static final Column GRID = Column.required("grid", ColumnType.STRING,
            "left (alpha = q/m, q = 0..m-1), right ((q+1)/m) or midpoint ((q+1/2)/m)");
    static final Column TARGET_KIND = Column.required("target", ColumnType.STRING,
            "prob: the softmax probability of the target token is attributed");
    static final Column P_FULL = Column.required("p_full", ColumnType.DOUBLE, "p(target) with the layer as is");
    static final Column P_ZERO = Column.required("p_zero_layer", ColumnType.DOUBLE,
            "p(target) with the layer's whole activation at the position set to zero (the baseline)");
    static final Column SUM = Column.required("sum_attr", ColumnType.DOUBLE, "sum of the layer's attributions");
    static final Column GAP = Column.required("completeness_gap", ColumnType.DOUBLE,
            "sum_attr - (p_full - p_zero_layer): the Riemann error, shrinking as m grows");
    static final Column MAX = Column.required("max_attr", ColumnType.DOUBLE, "the layer's largest attribution");
    static final Column EXPERTS = Column.required("experts", ColumnType.INT_ARRAY,
            "the attributed neuron groups: [-1] for a dense FFN, else the experts routed at the position (and the shared one)");

    private NeuronColumns() {
    }
}
