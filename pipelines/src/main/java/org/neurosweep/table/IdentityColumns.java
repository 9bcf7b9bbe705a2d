package org.neurosweep.table;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.WorkUnit;

import java.util.List;

/** The columns the engine puts in front of every job table, so that any row can be traced to its unit. */
public final class IdentityColumns {

    public static final List<Column> COLUMNS = List.of(
            Column.required("run_id", ColumnType.STRING, "the run (--run-id; default the sweep's name)"),
            Column.required("unit_id", ColumnType.STRING, "the work unit: a hash of job, version, models, dataset slice, parameters"),
            Column.optional("model_id", ColumnType.STRING, "the unit's (primary) model: its name in the sweep config"),
            Column.optional("checkpoint", ColumnType.STRING, "checkpoint folder or revision within the model's series; null for a single model"),
            Column.optional("step", ColumnType.LONG, "training step of the checkpoint, from its name or config.json; null when unknown"),
            Column.optional("dataset", ColumnType.STRING, "the dataset's name in the sweep config; null for units without data"),
            Column.optional("example_id", ColumnType.STRING, "the input record a row is about; null for unit-level rows"));

    /** The columns before {@code example_id}: shared by the {@code errors} table. */
    public static final List<Column> UNIT_COLUMNS = COLUMNS.subList(0, COLUMNS.size() - 1);

    private IdentityColumns() {
    }

    /** Fills {@code row[0..5]} with the unit's identity. */
    static void fill(Object[] row, String runId, WorkUnit unit) {
        ModelRef model = unit.primaryModel();
        row[0] = runId;
        row[1] = unit.id();
        row[2] = model == null ? null : model.id();
        row[3] = model == null ? null : model.checkpointLabel();
        row[4] = model == null ? null : model.step();
        row[5] = unit.dataset() == null ? null : unit.dataset().name();
    }
}
