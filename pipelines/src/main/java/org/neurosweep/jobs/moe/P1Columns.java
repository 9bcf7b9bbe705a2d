package org.neurosweep.jobs.moe;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;

/** Columns that the MoE attribution tables (docs/methods/moe-attribution.md, {@code p1_*}) share. */
final class P1Columns {

    static final Column TASK = Column.required("task", ColumnType.STRING,
            "the relation: the mLAMA template's label (or relation id), or the JSONL line's task (or file name)");
    static final Column LANGUAGE = Column.optional("language", ColumnType.STRING, "the mLAMA language; null for JSONL data");
    static final Column SAMPLE_ID = Column.required("sample_id", ColumnType.STRING,
            "the sample: mLAMA uuid/language, or the JSONL line's id (default task/subject); also the example_id");
    static final Column LAYER = Column.required("layer", ColumnType.INT, "0-based layer l (the paper counts from 1)");
    static final Column EXPERT_ID = Column.required("expert_id", ColumnType.INT,
            "the routed expert e; -1 for the shared expert and for a dense FFN");
    static final Column EXPERT_TYPE = Column.required("expert_type", ColumnType.STRING,
            "routed, shared (Qwen2-MoE's sigmoid-gated expert) or dense (a dense FFN)");
    static final Column LPI_PRED = Column.optional("lpi_pred", ColumnType.DOUBLE,
            "the same LPI for the model's own top-1 token instead of the gold target (spec 1(f).1)");
    /** The {@code model} key of the summary tables: model_id, or model_id@checkpoint within a series. */
    static final Column MODEL = Column.required("model", ColumnType.STRING,
            "the model: model_id, or model_id@checkpoint for a checkpoint of a series");
    static final Column MRR = Column.optional("mrr", ColumnType.DOUBLE, "mean of 1/rank of the gold target");
    static final Column HIT10 = Column.optional("hit10", ColumnType.DOUBLE, "share of samples with rank <= 10");

    private P1Columns() {
    }
}
