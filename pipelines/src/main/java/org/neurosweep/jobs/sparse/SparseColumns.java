package org.neurosweep.jobs.sparse;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;

/** The columns the SPARCOM tables share. */
final class SparseColumns {

    static final String INSTRUCTION = "instruction";
    static final String CATEGORY_LEVEL = "category";
    static final String ISN = "ISN";
    static final String ISE = "ISE";
    /** The category value of rows about all categories together. */
    static final String ALL = "ALL";

    static final Column MODEL = Column.required("model", ColumnType.STRING,
            "the model whose counts these are (its model_id; summary rows have no model_id of their own)");
    static final Column INSTRUCTION_SET = Column.required("instruction_set", ColumnType.STRING,
            "the dataset the counts came from (its dataset column)");
    static final Column LEVEL = Column.required("level", ColumnType.STRING,
            "instruction (one instruction's tokens; example_id = its id) or category (the tokens of the category's "
                    + "instructions pooled)");
    static final Column CATEGORY = Column.required("category", ColumnType.STRING, "the instruction category");
    static final Column SOURCE = Column.optional("source", ColumnType.STRING,
            "ai | human (the HexaInst source field); category level: the pool's source; null when the data has none");
    static final Column LAYER = Column.required("layer", ColumnType.INT, "decoder layer, 0-based");
    static final Column EXPERT_ID = Column.required("expert_id", ColumnType.INT,
            "routed expert id; -1 a dense FFN, -2 the shared expert");
    static final Column NEURON = Column.required("neuron", ColumnType.INT, "neuron index within its FFN or expert");
    static final Column N_TOKENS = Column.required("n_tokens", ColumnType.LONG,
            "tokens counted: the denominator of every frequency (all tokens, also for expert neurons)");
    static final Column FORMATTING = Column.required("formatting", ColumnType.STRING,
            "raw | instruction: how records became text (parameter formatting)");
    static final Column CRITERION = Column.required("criterion", ColumnType.STRING,
            "gate (gate pre-activation > 0) | product (act(gate) * up > 0): when a neuron counts as active");
    static final Column EPS = Column.required("eps", ColumnType.DOUBLE, "the top-ε fraction of the selection");
    static final Column KIND = Column.required("kind", ColumnType.STRING,
            "ISN (instruction-specific neurons: dense, routed-expert and shared-expert neurons) | ISE (routed experts)");

    private SparseColumns() {
    }
}
