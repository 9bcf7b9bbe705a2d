package org.neurosweep.testjobs;

import org.neurosweep.data.JsonLines;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.TableSchema;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A test job that reads generic JSONL and writes the {@code id} of every good record; bad lines go to errors. */
public final class JsonlEchoJob implements MapJob, NeedsDataset {

    public static final String TABLE = "jsonl_ids";

    @Override
    public String name() {
        return "jsonl-echo";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "test job: the id of every JSONL record";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TableSchema.of(TABLE, "one row per good record",
                Column.required("id", ColumnType.STRING, "the record's id")));
    }

    @Override
    public Set<String> formats() {
        return Set.of("jsonl");
    }

    @Override
    public KernelFactory kernels() {
        return new Factory();
    }

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return (unit, in, out) -> {
                ReadResult<Map<String, Object>> read = JsonLines.readMaps(in.dataset(), unit.dataset().shard());
                out.badRecords(read.badRecords());
                for (Map<String, Object> record : read.records()) {
                    out.table(TABLE).add(String.valueOf(record.get("id")), String.valueOf(record.get("id")));
                }
            };
        }
    }
}
