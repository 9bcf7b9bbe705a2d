package org.neurosweep.table;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.TableSchema;

import java.util.ArrayList;
import java.util.List;

/** The tables the engine writes for every run: {@code manifest} (one row per unit attempt) and {@code errors}. */
public final class EngineTables {

    public static final TableSchema MANIFEST = new TableSchema("manifest",
            "one row per attempt of a unit: outcome, timings, where and how it ran, versions", List.of(
            Column.required("run_id", ColumnType.STRING, "the run"),
            Column.required("unit_id", ColumnType.STRING, "the work unit"),
            Column.required("attempt_id", ColumnType.STRING, "this attempt: run attempt and Spark task attempt id"),
            Column.required("run_attempt", ColumnType.INT, "which invocation of the run (1 = first, 2 = first resume, ...)"),
            Column.required("task_attempt", ColumnType.INT, "Spark's attempt number of the task (0 = first try)"),
            Column.required("job", ColumnType.STRING, "the job"),
            Column.required("job_version", ColumnType.INT, "the job's code version"),
            Column.optional("model_id", ColumnType.STRING, "the primary model"),
            Column.optional("checkpoint", ColumnType.STRING, "its checkpoint, null for a single model"),
            Column.optional("step", ColumnType.LONG, "the checkpoint's training step"),
            Column.optional("dataset", ColumnType.STRING, "the dataset"),
            Column.optional("shard", ColumnType.STRING, "the dataset shard, 'index/count'"),
            Column.optional("round", ColumnType.INT, "the round of a rounds job; null otherwise"),
            Column.required("params", ColumnType.STRING, "the parameter point, 'key=value, ...' in key order"),
            Column.required("description", ColumnType.STRING, "the unit in one line"),
            Column.required("status", ColumnType.STRING, "committed | failed | superseded (another attempt committed first; "
                    + "this one's outputs were dropped)"),
            Column.optional("error", ColumnType.STRING, "why the attempt failed: exception class and message"),
            Column.required("rows", ColumnType.LONG, "rows written to the job's tables"),
            Column.required("bad_records", ColumnType.LONG, "rows written to the errors table"),
            Column.required("model_loaded", ColumnType.BOOLEAN, "whether this attempt loaded its model (false: it was cached "
                    + "on the executor); the sum over a run is the number of model loads"),
            Column.required("model_load_ms", ColumnType.LONG, "time spent loading models"),
            Column.required("micro_batch", ColumnType.INT, "the micro-batch size the kernel used (0 when it asked for none)"),
            Column.required("device", ColumnType.STRING, "cpu, or gpu:<address> as assigned by Spark"),
            Column.required("device_bound", ColumnType.BOOLEAN, "whether ND4J was bound to that GPU (false on the CPU backend)"),
            Column.required("dtype", ColumnType.STRING, "compute dtype (weights are widened to it at load)"),
            Column.required("executor_id", ColumnType.STRING, "Spark executor id ('driver' for rounds aggregation)"),
            Column.required("executor_host", ColumnType.STRING, "host the attempt ran on"),
            Column.required("started_at", ColumnType.TIMESTAMP, "start of the attempt"),
            Column.required("elapsed_ms", ColumnType.LONG, "wall time of the attempt, model loading included"),
            Column.required("neurosweep_version", ColumnType.STRING, "NeuroSweep build"),
            Column.required("spark_version", ColumnType.STRING, "Spark on the executor"),
            Column.required("nd4j_version", ColumnType.STRING, "ND4J build"),
            Column.required("nd4j_backend", ColumnType.STRING, "ND4J backend artifact (nd4j-native, nd4j-cuda-11.6)"),
            Column.required("java_version", ColumnType.STRING, "JVM version")));

    public static final TableSchema ERRORS = errors();

    private EngineTables() {
    }

    private static TableSchema errors() {
        List<Column> columns = new ArrayList<>(IdentityColumns.UNIT_COLUMNS);
        columns.add(Column.required("source", ColumnType.STRING, "the file the bad record is in"));
        columns.add(Column.required("line", ColumnType.LONG, "1-based line (JSON/JSONL) or row (Parquet); 0 = the whole file"));
        columns.add(Column.required("reason", ColumnType.STRING, "why the record was skipped"));
        return new TableSchema("errors", "input records that could not be read; the unit went on without them", columns);
    }
}
